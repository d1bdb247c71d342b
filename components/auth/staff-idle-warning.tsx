import type { StaffContext } from '@/lib/access/context';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { staffIdleState } from '@/lib/auth/staff-session';
import { IdleWarning, type IdleActions } from './idle-warning';
import { warningLeadSeconds } from './idle-timing';

/**
 * The staff areas' idle warning: two minutes before the clinic's staff idle limit (CRM → Portal
 * settings), "Stay signed in" or be signed out; what was typed on the page is kept in this tab
 * and put back after signing in again. The limit is the session's own (fixed at sign-in).
 */
export async function StaffIdleWarning({ context, actions }: { context: StaffContext; actions: IdleActions }) {
  // The limit came with the session the page was admitted on; read again only for a context without it.
  const limitSeconds = context.idleTimeoutSeconds ?? (await staffIdleState(context)).limitSeconds;
  if (limitSeconds <= 0) return null;
  return (
    <IdleWarning
      idleSeconds={limitSeconds}
      warnSeconds={warningLeadSeconds(limitSeconds, AUTH_POLICY.staffIdleWarningSeconds)}
      messages={{
        title: 'Are you still there?',
        body: 'To protect patients’ information you’ll be signed out in {time}. Anything you have typed on this page is kept for when you sign in again.',
        stay: 'Stay signed in',
      }}
      actions={actions}
      keepDraftsFor={{
        staffId: context.actor.id,
        restoredNotice: 'What you had typed before you were signed out is back in the form. Check it, then save.',
        dismiss: 'Dismiss',
      }}
    />
  );
}
