import type { Metadata } from 'next';
import { StaffAccountPage } from '@/components/passkeys/staff-account-page';
import { requireStaff } from '@/lib/auth/staff-session';
import { passkeyRows } from '@/lib/identity/passkeys/account-answers';
import { requestRelyingParty } from '@/lib/identity/passkeys/relying-party';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { addPasskeyAction, passkeyOptionsAction, removePasskeyAction, renamePasskeyAction } from './actions';

export const metadata: Metadata = { title: 'Sign-in and security' };

/** /emr/account: the signed-in staff member's sign-in (their passkeys); the same page as in the CRM. */
export default async function StaffAccount({ params }: { params: Promise<{ tenant: string }> }) {
  const staff = await requireStaff('emr');
  const { profile } = await getPageTenant(params);
  const [rows, rp] = await Promise.all([
    passkeyRows(staff, profile.locations[0]?.timeZone ?? 'UTC'),
    requestRelyingParty(profile.branding.displayName),
  ]);
  return (
    <StaffAccountPage
      staff={staff}
      rows={rows}
      host={rp?.id ?? null}
      actions={{ options: passkeyOptionsAction, add: addPasskeyAction, rename: renamePasskeyAction, remove: removePasskeyAction }}
    />
  );
}
