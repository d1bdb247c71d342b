import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patients, portalAccountPatients } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalLink } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { RuleError } from '@/lib/kernel/errors';
import { ProxyAccessAuditActions } from './proxy-audit-actions';
import type { ProxyDecision } from './proxy-decision-schema';
import { grantedAreas } from './proxy-link-form';
import { loadProxyAgeRules } from './proxy-links';
import { ageOn, effectiveScope, LIMITED_AREAS, type EffectiveScope, type PortalArea, type ProxyAgeRules } from './proxy-scope';

/**
 * Proxy links, the portal's side (issue 19 point 5). The patient's own account (a `self` link)
 * sees who can act for them and, under the clinic's age rules, decides:
 *  - as a teen (teen age to adult age): whether a proxy granted more than appointments, messages
 *    and bills keeps it (`teen_consent_at`), or goes back to the limited areas;
 *  - as an adult: whether a proxy's access, ended at the adult age, is granted again
 *    (`adult_grant_at`), or stays ended.
 * The relationships page (lib/patient-notes/relationships.ts) shows the choices; a proxy sees
 * there, and in the patient selector, what they reach today and why.
 */

export type AgeStage = 'none' | 'child' | 'teen' | 'adult';

/** Where the patient stands under the clinic's age rules today ('none': the rules are off). */
export function ageStage(age: number, rules: ProxyAgeRules): AgeStage {
  if (!rules.enabled) return 'none';
  return age >= rules.adultAge ? 'adult' : age >= rules.teenAge ? 'teen' : 'child';
}


/** The one decision the patient can take about a link today, or null. */
export function decisionFor(
  stage: AgeStage,
  link: { granted: readonly PortalArea[]; effective: EffectiveScope; teenConsentAt: Date | null; adultGrantAt: Date | null },
): ProxyDecision | null {
  // Outside the link's dates there is nothing to agree to: staff set those.
  if (link.effective.reason === 'not_started' || link.effective.reason === 'ended') return null;
  if (stage === 'teen') {
    // A proxy granted only the limited areas (or fewer) keeps them whatever the teen says.
    if (!link.granted.some((a) => !LIMITED_AREAS.includes(a))) return null;
    return link.teenConsentAt ? 'teen-withdraw' : 'teen-consent';
  }
  if (stage === 'adult') return link.adultGrantAt ? 'adult-withdraw' : 'adult-grant';
  return null;
}

/** A decision the patient cannot take (any more): the code names the portal's sentence. */
export class ProxyConsentError extends RuleError {
  constructor(code: 'own-record-only' | 'not-available') {
    super(code, code === 'own-record-only' ? 'Only the patient’s own account can decide this.' : 'This choice is no longer available. Reload the page.');
    this.name = 'ProxyConsentError';
  }
}

const AUDIT: Record<ProxyDecision, string> = {
  'teen-consent': ProxyAccessAuditActions.teenConsentGiven,
  'teen-withdraw': ProxyAccessAuditActions.teenConsentWithdrawn,
  'adult-grant': ProxyAccessAuditActions.adultGrantGiven,
  'adult-withdraw': ProxyAccessAuditActions.adultGrantWithdrawn,
};

/**
 * The patient, from their own account, agrees to a proxy's full scope as a teen (or takes it
 * back), or as an adult grants a proxy access again (or ends it). The decision must be the one
 * on offer today (the page may be stale: a birthday, a staff change); the link row is locked.
 */
export async function decideProxyAccess(db: Executor, ctx: PortalContext, input: { accountId: string; decision: ProxyDecision }): Promise<void> {
  if (ctx.patient.relationship !== 'self') throw new ProxyConsentError('own-record-only');
  await assertPortalLink(db, ctx);
  if (!isUuid(input.accountId) || input.accountId === ctx.account.id) throw new NotFoundError('portal account');
  const tenantId = ctx.tenant.id;
  await db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(portalAccountPatients)
      .where(and(
        eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.accountId, input.accountId),
        eq(portalAccountPatients.patientId, ctx.patient.id), ne(portalAccountPatients.relationship, 'self'),
      ))
      .for('update');
    if (!link) throw new NotFoundError('portal account');
    const [rules, today, [patient]] = await Promise.all([
      loadProxyAgeRules(tx, tenantId),
      clinicToday(tx, tenantId),
      tx.select({ dateOfBirth: patients.dateOfBirth }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.id, ctx.patient.id))),
    ]);
    if (!patient) throw new NotFoundError('patient');
    const stage = ageStage(ageOn(patient.dateOfBirth, today), rules);
    const granted = grantedAreas(link.scope, link.areas);
    const offered = decisionFor(stage, { granted, effective: effectiveScope(link, patient.dateOfBirth, today, rules), teenConsentAt: link.teenConsentAt, adultGrantAt: link.adultGrantAt });
    if (offered !== input.decision) throw new ProxyConsentError('not-available');
    const at = now();
    const set = input.decision === 'teen-consent' ? { teenConsentAt: at }
      : input.decision === 'teen-withdraw' ? { teenConsentAt: null }
        : input.decision === 'adult-grant' ? { adultGrantAt: at } : { adultGrantAt: null };
    await tx
      .update(portalAccountPatients)
      .set(set)
      .where(and(
        eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.accountId, input.accountId),
        eq(portalAccountPatients.patientId, ctx.patient.id),
      ));
    await recordAudit(tx, ctx, {
      action: AUDIT[input.decision], patientId: ctx.patient.id, target: { type: 'portal_account', id: input.accountId },
      details: { relationship: link.relationship, scope: link.scope },
    });
  });
}
