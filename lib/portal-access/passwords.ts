import 'server-only';
import { checkPassword, type PasswordContext } from '@/lib/identity/password-policy';

export type NewPasswordCheck =
  | { ok: true }
  | { ok: false; error: 'invalid-password'; problems: { password?: string[]; confirmPassword?: string } };

/**
 * The new password against the policy, every problem at once, and the confirmation. The caller
 * hashes only after this passes; the plain password is never stored, not even in a challenge.
 */
export async function checkNewPassword(
  input: { password: string; confirmPassword: string },
  context: PasswordContext,
): Promise<NewPasswordCheck> {
  const policy = await checkPassword(input.password, context);
  const problems: { password?: string[]; confirmPassword?: string } = {};
  if (!policy.ok) problems.password = policy.problems;
  if (!input.confirmPassword) problems.confirmPassword = 'Enter the new password again.';
  else if (input.confirmPassword !== input.password) problems.confirmPassword = 'The two passwords don’t match. Type the same password in both fields.';
  return problems.password || problems.confirmPassword ? { ok: false, error: 'invalid-password', problems } : { ok: true };
}
