import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, staffUsers, tenants, type SmsBudgetPolicy } from '@/db/schema';
import { renderClinicEmail } from '@/lib/email/render-clinic-email';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { noticeEmail } from '@/lib/notifications/notice-email';
import { portalLink } from '@/lib/notifications/portal-link';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { monthLabel, SMS_WARNING_PERCENT } from './rules';

/**
 * The spend guard's emails to a clinic's admins (active staff whose access level has
 * settings.manage): at 80 % of the month's budget and when it is used up. Queued in the
 * transaction that crossed the mark, in the clinic's layout, in English (staff have no language
 * on record). Counts and the month only: no patient, number or message text.
 */

export type BudgetNoticeKind = 'warning' | 'exhausted';

const POLICY_WORDS: Record<SmsBudgetPolicy, string> = {
  codes_only: 'Until the budget is raised or the month ends, only sign-in and verification codes are sent; reminders, notices and marketing texts are held.',
  codes_and_care: 'Until the budget is raised or the month ends, sign-in codes, reminders and notices are still sent; marketing texts are held.',
};

/** Queues the notice to every admin of the clinic; `at` makes each crossing's keys its own. */
export async function notifyAdminsOfBudget(
  tx: Executor,
  tenantId: string,
  notice: { kind: BudgetNoticeKind; month: string; sent: number; budget: number; policy: SmsBudgetPolicy; at: Date },
): Promise<number> {
  const admins = await tx
    .select({ email: staffUsers.email })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.status, 'active'), sql`'settings.manage' = any(${accessLevels.permissions})`));
  if (admins.length === 0) return 0;
  const brand = await loadClinicEmailBrand(tx, tenantId);
  const [clinic] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, tenantId));
  if (!brand || !clinic) return 0;
  const month = monthLabel(notice.month);
  const used = `${notice.sent.toLocaleString('en-US')} of the ${notice.budget.toLocaleString('en-US')} text messages budgeted for ${month}`;
  const subject = notice.kind === 'warning'
    ? `${brand.name}: ${SMS_WARNING_PERCENT} % of this month’s SMS budget used`
    : `${brand.name}: this month’s SMS budget is used up`;
  const paragraphs = notice.kind === 'warning'
    ? [[`${brand.name} has sent ${used}.`], [`When the budget is used up: ${POLICY_WORDS[notice.policy]}`]]
    : [[`${brand.name} has sent ${used}: the budget is used up.`], [POLICY_WORDS[notice.policy]]];
  const email = renderClinicEmail(brand, noticeEmail('en', brand.name, subject, [
    ...paragraphs,
    [{ text: 'See the usage and change the budget in the CRM:', href: portalLink(clinic.slug, '/crm/sms'), buttonLabel: 'Open SMS usage' }],
  ]));
  let queued = 0;
  for (const admin of admins) {
    const sentTo = await enqueueMessage(tx, {
      tenantId, channel: 'email', recipient: admin.email, subject: email.subject, body: email.text, html: email.html,
      idempotencyKey: `sms-budget:${notice.month}:${notice.kind}:${notice.at.getTime()}:${admin.email}`,
    });
    if (sentTo) queued++;
  }
  return queued;
}
