import Link from 'next/link';
import { RestartButton } from '@/components/auth/code-step';
import type { Flow } from '@/components/auth/code-flow-form';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { PortalAccessFormState } from '@/lib/portal-access/form-state';
import { PasswordFields } from './password-fields';

/** The steps several signed-out flows share: a new password, and a last word. */

export const linkClass = 'link';

/** The last step of claim and password reset: the new password, twice, after the code. */
export function NewPasswordStep<S extends PortalAccessFormState>({
  flow: { state, action, pending },
  intro,
  submitLabel,
  messages: m,
}: {
  flow: Flow<S>;
  intro: string;
  submitLabel: string;
  messages: PortalAccessMessages;
}) {
  return (
    <div className="mt-4 space-y-4">
      <p className="text-sm text-fg-muted">{intro}</p>
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="password" />
        <FormMessage message={state.message} />
        <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus messages={m} />
        <PrimaryButton type="submit" disabled={pending} className="w-full">
          {pending ? m.saving : submitLabel}
        </PrimaryButton>
      </form>
      <RestartButton action={action} label={m.startAgain} />
    </div>
  );
}

/** Where a flow stops with a word and a way on (a link that cannot be used, an email sent). */
export function FlowEnd({ message, tone, links, children }: {
  message?: string;
  /** A notice (an email sent, an account that exists) rather than a refusal. */
  tone?: 'info';
  links: { href: string; label: string }[];
  children?: React.ReactNode;
}) {
  return (
    <div className={tone === 'info' ? 'mt-4 space-y-4' : 'mt-4 space-y-3'}>
      <FormMessage message={message} tone={tone} />
      {children}
      {links.length > 1 ? (
        <p className="flex flex-wrap gap-x-4 gap-y-2">
          {links.map((link) => <Link key={link.href} href={link.href} className={linkClass}>{link.label}</Link>)}
        </p>
      ) : (
        links.map((link) => <Link key={link.href} href={link.href} className={linkClass}>{link.label}</Link>)
      )}
    </div>
  );
}
