import { PrimaryButton } from '@/components/ui/form-controls';
import type { PlainFormAction } from '@/lib/actions/result';

/**
 * The unsubscribe page's one button. A server component's form: it posts without JavaScript
 * (Next's progressive enhancement), which is the point of a link opened from any mail client.
 */
export function UnsubscribeForm({ action, token, label }: { action: PlainFormAction; token: string; label: string }) {
  return (
    <form action={action} className="mt-5">
      <input type="hidden" name="token" value={token} />
      <PrimaryButton type="submit" className="w-full">{label}</PrimaryButton>
    </form>
  );
}
