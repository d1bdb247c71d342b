import { useId } from 'react';
import { TextField } from '@/components/ui/form-controls';
import { portalAccess, type PortalAccessMessages } from '@/lib/i18n/messages/portal-access';

/**
 * "New password" and "Confirm password". Every policy problem is listed under the field and tied
 * to it with aria-describedby, so a screen reader reads the rules and what is still missing.
 * `messages` are the reader's language (English by default); `problems` come translated from the action.
 */
export function PasswordFields({
  problems,
  confirmError,
  autoFocus,
  messages: m = portalAccess.en,
}: {
  problems?: string[];
  confirmError?: string;
  autoFocus?: boolean;
  messages?: Pick<PortalAccessMessages, 'newPassword' | 'passwordRules' | 'confirmPassword'>;
}) {
  const id = useId();
  const rulesId = `${id}-rules`;
  const problemsId = `${id}-problems`;
  const invalid = Boolean(problems?.length);
  return (
    <>
      <div>
        <label htmlFor={id} className="block text-sm font-medium">
          {m.newPassword}
        </label>
        <p id={rulesId} className="mt-0.5 text-sm text-fg-muted">
          {m.passwordRules}
        </p>
        <input
          id={id}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus={autoFocus}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? `${rulesId} ${problemsId}` : rulesId}
          className="mt-1 control"
        />
        {invalid ? (
          <ul id={problemsId} className="mt-1 list-disc space-y-0.5 pl-5 text-sm font-medium text-red-700 dark:text-red-300">
            {problems!.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <TextField label={m.confirmPassword} name="confirmPassword" type="password" autoComplete="new-password" required error={confirmError} />
    </>
  );
}
