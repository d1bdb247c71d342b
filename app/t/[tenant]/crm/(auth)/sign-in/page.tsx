import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { StaffSignInPage } from '@/components/auth/staff-sign-in-page';
import { getStaffSession } from '@/lib/auth/staff-session';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Staff sign-in' };

export default async function SignIn({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ next?: string; reason?: string }>;
}) {
  const { profile } = await getPageTenant(params);
  const { next, reason } = await searchParams;
  if ((await getStaffSession()).status === 'signed-in') redirect(next && /^\/(crm|emr)(\/[\w\-/]*)?$/.test(next) ? next : '/crm');
  return <StaffSignInPage profile={profile} area="crm" next={next} reason={reason} />;
}
