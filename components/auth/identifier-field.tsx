import { TextField } from '@/components/ui/form-controls';
import type { PortalAccessFormState } from '@/lib/portal-access/form-state';

/**
 * The portal's sign-in identifier (an email, or the clinic's national ID) in sign-in, claim and
 * forgot password, showing what was typed before a refusal.
 */
export function IdentifierField({ state, label, type, autoComplete }: { state: PortalAccessFormState; label: string; type: 'email' | 'text'; autoComplete: 'off' | 'username' }) {
  return (
    <TextField
      label={label}
      name="identifier"
      type={type}
      autoComplete={type === 'email' ? 'email' : autoComplete}
      defaultValue={state.values?.identifier}
      required
      error={state.fieldErrors?.identifier}
    />
  );
}
