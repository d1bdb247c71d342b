import { redirect } from 'next/navigation';
import { StaffSignInPage } from '@/components/auth/staff-sign-in-page';
import { getStaffSession } from '@/lib/auth/staff-session';
import { safeNext, type StaffArea } from '@/lib/auth/staff-sign-in-flow';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { staffSignInAction } from './actions';

export interface StaffSignInRoute {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ next?: string; reason?: string }>;
}

/** /emr/sign-in and /crm/sign-in: one page, in the clinic's branding; a signed-in person goes on. */
export async function StaffSignIn({ area, params, searchParams }: StaffSignInRoute & { area: StaffArea }) {
  const { profile } = await getPageTenant(params);
  const { next, reason } = await searchParams;
  if ((await getStaffSession()).status === 'signed-in') redirect(safeNext(area, next));
  return <StaffSignInPage action={staffSignInAction} profile={profile} area={area} next={next} reason={reason} />;
}
