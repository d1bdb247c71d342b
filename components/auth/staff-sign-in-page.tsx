import { BrandMark } from '@/components/brand/brand-mark';
import type { FormAction } from '@/lib/actions/result';
import { SESSION_END_MESSAGES } from '@/lib/auth/messages';
import type { StaffSignInState } from '@/lib/auth/staff-form-states';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { ArmKeptDrafts } from './kept-draft-restorer';
import { StaffSignInForm } from './staff-sign-in-form';

const AREA_NAME = { emr: 'EMR', crm: 'CRM' } as const;

/** The staff sign-in page of either area, in the clinic's branding. */
export function StaffSignInPage({ action, profile, area, next, reason }: {
  action: FormAction<StaffSignInState>;
  profile: TenantProfile;
  area: 'crm' | 'emr';
  next?: string;
  reason?: string;
}) {
  const notice = reason ? SESSION_END_MESSAGES[reason] : undefined;
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center px-4 py-10">
      <BrandMark profile={profile} size={44} subtitle={`${AREA_NAME[area]} portal`} />
      <section aria-labelledby="staff-sign-in" className="mt-6 rounded-2xl border border-line bg-surface p-6 shadow-sm">
        <h1 id="staff-sign-in" className="text-xl font-semibold">Staff sign-in</h1>
        {notice ? (
          <p role="status" className="mt-3 rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{notice}</p>
        ) : null}
        <StaffSignInForm action={action} area={area} next={next} />
        {/* Signed out for inactivity: what was typed may come back after signing in (components/auth/form-drafts.ts). */}
        {reason === 'idle' ? <ArmKeptDrafts /> : null}
      </section>
      <p className="mt-4 text-center text-sm text-fg-muted">For {profile.branding.displayName} staff. Patients sign in at the patient portal.</p>
    </main>
  );
}
