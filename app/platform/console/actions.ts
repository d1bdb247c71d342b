'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { signInErrorMessage } from '@/lib/auth/messages';
import { operatorAuth, requireOperator, signOutOperator } from '@/lib/auth/operator-session';
import { startOperatorSignIn, verifyOperatorTotp } from '@/lib/auth/operator-sign-in';
import { staffCredentialsSchema, totpSchema } from '@/lib/auth/schemas';
import { platformRootDomain, isProduction } from '@/lib/config/env';
import { getClientInfo } from '@/lib/http/client-info';
import { getEmailSender } from '@/lib/messaging/providers';
import { ClinicRuleError, createClinic, setClinicStatus } from '@/lib/platform/clinics';
import { forgetResolvedHosts } from '@/lib/tenancy/resolve-tenant';
import { revalidateTenant } from '@/lib/tenancy/request-tenant';
import { headers } from 'next/headers';

export interface ConsoleFormState {
  step?: 'credentials' | 'totp';
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
}

export async function operatorSignInAction(_: ConsoleFormState, form: FormData): Promise<ConsoleFormState> {
  const db = getDb();
  const client = await getClientInfo();
  if (form.get('intent') === 'totp') {
    const parsed = totpSchema.safeParse({ token: String(form.get('token') ?? '').replace(/\s/g, '') });
    if (!parsed.success) return { step: 'totp', fieldErrors: { token: 'Enter the 6-digit code from your authenticator app.' } };
    const challengeId = await readChallengeCookie();
    const result = await verifyOperatorTotp(db, challengeId, parsed.data.token, client);
    if (!result.ok) {
      if (result.error === 'wrong-totp') return { step: 'totp', message: 'That code is not correct. Use the newest code from your app.' };
      await clearChallengeCookie();
      return { step: 'credentials', message: signInErrorMessage(result.error === 'too-many-attempts' ? 'too-many-attempts' : result.error, { retryAfterSeconds: 'retryAfterSeconds' in result ? result.retryAfterSeconds : undefined }) };
    }
    try {
      await operatorAuth.signIn('operator-challenge', { challengeId: challengeId!, redirect: false });
    } catch {
      return { step: 'credentials', message: signInErrorMessage('no-attempt') };
    }
    redirect('/console');
  }
  const parsed = staffCredentialsSchema.safeParse({ email: form.get('email'), password: form.get('password') });
  if (!parsed.success) return { step: 'credentials', message: 'Enter your email and password.' };
  const result = await startOperatorSignIn(db, parsed.data, client);
  if (!result.ok) {
    return { step: 'credentials', message: result.error === 'locked' ? signInErrorMessage('locked', { retryAfterSeconds: result.retryAfterSeconds }) : 'The email or password is not correct.' };
  }
  await setChallengeCookie(result.challengeId);
  return { step: 'totp' };
}

export async function operatorSignOutAction(): Promise<void> {
  await signOutOperator();
  redirect('/console/sign-in');
}

const clinicSchema = z.object({
  name: z.string().trim().min(2, 'Enter the clinic’s name.').max(120),
  slug: z.string().trim().toLowerCase().min(1, 'Choose the clinic’s address.').max(63),
  adminName: z.string().trim().min(1, 'Enter the first admin’s name.').max(120),
  adminEmail: z.string().trim().max(254).email('Enter a valid email address.'),
});

/** The clinic's own host, for the first admin's invitation link. */
async function clinicOrigin(slug: string): Promise<string> {
  const host = (await headers()).get('host') ?? '';
  const port = host.includes(':') ? `:${host.split(':')[1]}` : '';
  return `${isProduction ? 'https' : 'http'}://${slug}.${platformRootDomain()}${port}`;
}

export async function createClinicAction(_: ConsoleFormState, form: FormData): Promise<ConsoleFormState> {
  const operator = await requireOperator();
  const parsed = clinicSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return { ok: false, fieldErrors };
  }
  const origin = await clinicOrigin(parsed.data.slug);
  try {
    await createClinic(getDb(), operator, parsed.data, getEmailSender(), () => origin);
  } catch (error) {
    if (error instanceof ClinicRuleError) return { ok: false, fieldErrors: { [error.field]: error.message } };
    throw error;
  }
  forgetResolvedHosts();
  revalidatePath('/console');
  return { ok: true, message: `${parsed.data.name} is ready at ${origin}. ${parsed.data.adminEmail} was sent an invitation.` };
}

export async function setClinicStatusAction(form: FormData): Promise<void> {
  const operator = await requireOperator();
  const parsed = z.object({ tenantId: z.uuid(), status: z.enum(['active', 'suspended']) }).safeParse(Object.fromEntries(form));
  if (!parsed.success) return;
  await setClinicStatus(getDb(), operator, parsed.data.tenantId, parsed.data.status);
  revalidateTenant(parsed.data.tenantId);
  revalidatePath('/console');
}
