import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  contactChannels, contactPurposes, patientConsents, patients, staffUsers, suppressions,
  type ConsentSource, type ContactChannel, type ContactPurpose, type SuppressionReason,
} from '@/db/schema';
import { assertPermission, NotFoundError, type PortalAccountContext, type StaffContext } from '@/lib/access/context';
import { listLinkedPatients } from '@/lib/access/linked-patients';
import { recordAudit, type AuditActor } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { EngagementAuditActions } from './audit-actions';
import { liftUnsubscribe, normaliseAddress, suppressionBlocks } from './suppressions';

/**
 * A patient's consent to be contacted, per channel (email, SMS) and purpose (care, marketing),
 * as a record (issue 18, point 7): every change of mind is a new patient_consents row with its
 * source and time (the table refuses UPDATE and DELETE), and the newest row per channel and
 * purpose is the answer. Without a row the defaults hold: care messages are part of the
 * patient's care, marketing needs a yes.
 *
 * Entry points by caller: staff (the chart's panel: patients.view to see, patients.edit to
 * change), a portal account (for itself or a patient it may act for), and the system (the
 * unsubscribe link and SMS keywords, through the address, in lib/engagement/unsubscribe.ts and
 * sms-keywords.ts). Whether a message may go is `mayContact` / `contactDecisions`, which also
 * read the suppression list for the patient's current address; at send time the dispatcher reads
 * the answers in force again for its batch (`consentWithheldAmong`).
 */

export const CONSENT_DEFAULTS: Readonly<Record<ContactPurpose, boolean>> = { care: true, marketing: false };

export interface ConsentAnswer {
  channel: ContactChannel;
  purpose: ContactPurpose;
  granted: boolean;
  /** Null: nothing recorded, the default holds. */
  source: ConsentSource | null;
  recordedAt: Date | null;
  /** The staff member who recorded it (source 'staff'), as named now. */
  recordedBy: string | null;
}

export interface PatientConsents {
  patientId: string;
  /** One per channel × purpose, email first, care before marketing. */
  answers: ConsentAnswer[];
  /** The patient's current address per channel, as stored on the record. */
  addresses: Record<ContactChannel, string | null>;
  /** Why that address is on the clinic's suppression list, if it is. */
  suppressed: Record<ContactChannel, SuppressionReason | null>;
}

export interface ConsentChoice {
  channel: ContactChannel;
  purpose: ContactPurpose;
  granted: boolean;
}

export interface ConsentChange extends ConsentChoice {
  patientId: string;
  source: ConsentSource;
  recordedByStaffId?: string | null;
}

/**
 * Records a patient's answer; a no-op (false) when it would not change the answer in force (the
 * newest row, else the default). The patient's row is locked for the check and the insert, so
 * two changes at once are taken one after the other and neither is lost nor doubled. The patient
 * must be the clinic's (NotFoundError). Runs in a transaction of its own unless given one.
 */
export async function recordConsent(db: Executor, tenantId: string, change: ConsentChange): Promise<boolean> {
  if (!isUuid(change.patientId)) throw new NotFoundError('patient');
  return db.transaction(async (tx) => {
    // NO KEY UPDATE: serialises consent changes of this patient without blocking rows that
    // merely reference the patient (their foreign key checks take KEY SHARE).
    const [patient] = await tx
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.tenantId, tenantId), eq(patients.id, change.patientId)))
      .for('no key update');
    if (!patient) throw new NotFoundError('patient');
    const [latest] = await tx
      .select({ granted: patientConsents.granted })
      .from(patientConsents)
      .where(and(
        eq(patientConsents.tenantId, tenantId), eq(patientConsents.patientId, change.patientId),
        eq(patientConsents.channel, change.channel), eq(patientConsents.purpose, change.purpose),
      ))
      .orderBy(desc(patientConsents.recordedAt))
      .limit(1);
    const inForce = latest?.granted ?? CONSENT_DEFAULTS[change.purpose];
    if (inForce === change.granted) return false;
    await tx.insert(patientConsents).values({
      tenantId, patientId: change.patientId, channel: change.channel, purpose: change.purpose, granted: change.granted,
      source: change.source, recordedByStaffId: change.recordedByStaffId ?? null,
      // The wall clock, not the transaction's start: two answers recorded in one transaction
      // (a STOP's two purposes) keep their order, and "newest" stays well defined.
      recordedAt: sql`clock_timestamp()`,
    });
    return true;
  });
}

/** The answers in force for one patient of the clinic, with the addresses' suppressions. No permission check: callers check. */
async function consentsOf(db: Executor, tenantId: string, patientId: string): Promise<PatientConsents> {
  const [patient] = await db
    .select({ email: patients.email, phone: patients.phone })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  const latest = await db
    .selectDistinctOn([patientConsents.channel, patientConsents.purpose], {
      channel: patientConsents.channel,
      purpose: patientConsents.purpose,
      granted: patientConsents.granted,
      source: patientConsents.source,
      recordedAt: patientConsents.recordedAt,
      recordedBy: staffUsers.fullName,
    })
    .from(patientConsents)
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, patientConsents.tenantId), eq(staffUsers.id, patientConsents.recordedByStaffId)))
    .where(and(eq(patientConsents.tenantId, tenantId), eq(patientConsents.patientId, patientId)))
    .orderBy(patientConsents.channel, patientConsents.purpose, desc(patientConsents.recordedAt));
  const addresses: Record<ContactChannel, string | null> = {
    email: patient.email ? normaliseAddress('email', patient.email) : null,
    sms: patient.phone ? normaliseAddress('sms', patient.phone) : null,
  };
  const suppressed: Record<ContactChannel, SuppressionReason | null> = { email: null, sms: null };
  for (const channel of contactChannels) {
    const address = addresses[channel];
    if (!address) continue;
    const [row] = await db
      .select({ reason: suppressions.reason })
      .from(suppressions)
      .where(and(eq(suppressions.tenantId, tenantId), eq(suppressions.channel, channel), eq(suppressions.address, address)));
    suppressed[channel] = row?.reason ?? null;
  }
  const answers = contactChannels.flatMap((channel) => contactPurposes.map((purpose): ConsentAnswer => {
    const row = latest.find((r) => r.channel === channel && r.purpose === purpose);
    return row
      ? { channel, purpose, granted: row.granted, source: row.source, recordedAt: row.recordedAt, recordedBy: row.recordedBy ?? null }
      : { channel, purpose, granted: CONSENT_DEFAULTS[purpose], source: null, recordedAt: null, recordedBy: null };
  }));
  return { patientId, answers, addresses: { email: patient.email ?? null, sms: patient.phone ?? null }, suppressed };
}

type ConsentReader = StaffContext | PortalAccountContext;

/**
 * What a patient has said, for the chart (staff with patients.view) or the portal (an account,
 * for a patient it may act for). Another clinic's patient, or one the account is not linked to,
 * is not found.
 */
export async function currentConsents(db: Executor, ctx: ConsentReader, patientId: string): Promise<PatientConsents> {
  if ('account' in ctx) await assertMayActFor(db, ctx, patientId);
  else assertPermission(ctx, 'patients.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const consents = await consentsOf(db, ctx.tenant.id, patientId);
  // Staff reading the chart's consent tab; the portal's own reads are the patient's.
  if (!('account' in ctx)) await auditChartSection(db, ctx, patientId, 'consent');
  return consents;
}

/**
 * For the portal's settings: what each patient the account may act for has said, in the account's
 * order. A patient's contact choices are part of their record: a proxy sees them only when the
 * link opens My data (lib/portal-access/proxy-scope.ts).
 */
export async function consentsForAccount(db: Executor, ctx: PortalAccountContext): Promise<PatientConsents[]> {
  const linked = await listLinkedPatients(db, ctx.tenant.id, ctx.account.id);
  return Promise.all(linked.filter((p) => p.areas.includes('records')).map((p) => consentsOf(db, ctx.tenant.id, p.id)));
}

async function assertMayActFor(db: Executor, ctx: PortalAccountContext, patientId: string): Promise<void> {
  // From the database, not the session's copy: staff may have disabled access since it was made,
  // or the link's scope may not open the patient's record.
  const linked = await listLinkedPatients(db, ctx.tenant.id, ctx.account.id);
  if (!isUuid(patientId) || !linked.some((p) => p.id === patientId && p.areas.includes('records'))) throw new NotFoundError('patient');
}

/**
 * Staff record a patient's answer (the patient said so at the desk or on the phone): source
 * 'staff', with who recorded it. Needs patients.edit. True when the answer changed.
 */
export async function changeConsentByStaff(db: Executor, ctx: StaffContext, patientId: string, choice: ConsentChoice): Promise<boolean> {
  assertPermission(ctx, 'patients.edit');
  return applyChoice(db, ctx, patientId, choice, 'staff');
}

/**
 * A portal account changes the answer of a patient it may act for (itself, or a child or parent
 * it is linked to): source 'portal'. True when the answer changed.
 */
export async function changeConsentFromPortal(db: Executor, ctx: PortalAccountContext, patientId: string, choice: ConsentChoice): Promise<boolean> {
  await assertMayActFor(db, ctx, patientId);
  return applyChoice(db, ctx, patientId, choice, 'portal');
}

async function applyChoice(db: Executor, ctx: StaffContext | PortalAccountContext, patientId: string, choice: ConsentChoice, source: 'staff' | 'portal'): Promise<boolean> {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  return db.transaction(async (tx) => {
    const changed = await recordConsent(tx, ctx.tenant.id, {
      patientId, ...choice, source, recordedByStaffId: 'actor' in ctx ? ctx.actor.id : null,
    });
    // A yes to marketing said to the clinic itself outweighs an earlier click on an unsubscribe
    // link for the patient's current email (a later START does the same for SMS, by the phone).
    if (choice.granted && choice.purpose === 'marketing' && choice.channel === 'email') {
      const [patient] = await tx.select({ email: patients.email }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
      if (patient?.email) await liftUnsubscribe(tx, ctx.tenant.id, 'email', patient.email);
    }
    if (changed) {
      await recordAudit(tx, ctx, {
        action: EngagementAuditActions.consentChanged, patientId, target: { type: 'patient', id: patientId },
        details: { channel: choice.channel, purpose: choice.purpose, granted: choice.granted, source },
      });
    }
    return changed;
  });
}

/**
 * Records the same answer for every patient of the clinic whose current address this is (a family
 * often shares one email or phone): what the unsubscribe link and an SMS STOP do. Each change is
 * audited as `by.actor` (the link's anonymous visitor, the SMS provider). Returns the patients whose
 * answer changed.
 */
export async function recordConsentForAddress(
  tx: Executor,
  tenantId: string,
  target: { channel: ContactChannel; address: string; purposes: readonly ContactPurpose[]; granted: boolean; source: ConsentSource },
  by: { actor: AuditActor; ip?: string | null; userAgent?: string | null },
): Promise<string[]> {
  const address = normaliseAddress(target.channel, target.address);
  if (!address) return [];
  const holders = await tx
    .select({ id: patients.id })
    .from(patients)
    .where(and(
      eq(patients.tenantId, tenantId),
      // lower(email) is indexed (patients_tenant_email_idx); phones are stored E.164.
      target.channel === 'email' ? eq(sql`lower(${patients.email})`, address) : eq(patients.phone, address),
    ));
  const changed: string[] = [];
  for (const { id } of holders) {
    let any = false;
    for (const purpose of target.purposes) {
      const did = await recordConsent(tx, tenantId, { patientId: id, channel: target.channel, purpose, granted: target.granted, source: target.source });
      if (did) {
        any = true;
        await recordAudit(tx, {
          tenantId, actor: by.actor, ip: by.ip ?? null, userAgent: by.userAgent ?? null, action: EngagementAuditActions.consentChanged, patientId: id, target: { type: 'patient', id },
          details: { channel: target.channel, purpose, granted: target.granted, source: target.source },
        });
      }
    }
    if (any) changed.push(id);
  }
  return changed;
}

/** Why a patient may not be sent a message, for a campaign's report of whom it left out. */
export type ContactRefusal = 'no-address' | 'no-consent' | 'suppressed';
export type ContactDecision = { ok: true; address: string } | { ok: false; reason: ContactRefusal };

/**
 * Whether the clinic may send this patient a message of `purpose` on `channel` now: the patient
 * has an address on that channel, their answer in force allows it (marketing: a recorded yes),
 * and the address is not suppressed for that purpose. Another clinic's patient: no-address.
 */
export async function mayContact(db: Executor, tenantId: string, patientId: string, channel: ContactChannel, purpose: ContactPurpose): Promise<ContactDecision> {
  const decisions = await contactDecisions(db, tenantId, [patientId], channel, purpose);
  return decisions.get(patientId) ?? { ok: false, reason: 'no-address' };
}

/**
 * `mayContact` for many patients in one query (a campaign's page of recipients). Patients that
 * are not the clinic's are absent from the map.
 */
export async function contactDecisions(
  db: Executor, tenantId: string, patientIds: readonly string[], channel: ContactChannel, purpose: ContactPurpose,
): Promise<Map<string, ContactDecision>> {
  const ids = [...new Set(patientIds.filter(isUuid))];
  const decisions = new Map<string, ContactDecision>();
  if (ids.length === 0) return decisions;
  // The address as the suppression list stores it: email lower-cased, phone already E.164.
  const address = channel === 'email' ? sql<string | null>`lower(trim(${patients.email}))` : sql<string | null>`${patients.phone}`;
  const granted = sql<boolean | null>`(
    select c.granted from ${patientConsents} c
    where c.tenant_id = ${patients.tenantId} and c.patient_id = ${patients.id} and c.channel = ${channel} and c.purpose = ${purpose}
    order by c.recorded_at desc limit 1
  )`;
  const rows = await db
    .select({ id: patients.id, address, granted, reason: suppressions.reason })
    .from(patients)
    .leftJoin(suppressions, and(eq(suppressions.tenantId, patients.tenantId), eq(suppressions.channel, channel), eq(suppressions.address, address)))
    .where(and(eq(patients.tenantId, tenantId), inArray(patients.id, ids)));
  for (const row of rows) {
    const normalised = row.address ? normaliseAddress(channel, row.address) : null;
    if (!normalised) decisions.set(row.id, { ok: false, reason: 'no-address' });
    else if (!(row.granted ?? CONSENT_DEFAULTS[purpose])) decisions.set(row.id, { ok: false, reason: 'no-consent' });
    else if (row.reason && suppressionBlocks(row.reason, purpose)) decisions.set(row.id, { ok: false, reason: 'suppressed' });
    else decisions.set(row.id, { ok: true, address: normalised });
  }
  return decisions;
}

export interface ConsentQuery {
  tenantId: string;
  patientId: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
}

/**
 * The answers in force for many patients of any clinics at once (the dispatcher's claimed batch),
 * in one query: the indexes in `queries` whose answer is no. A patient without a recorded answer
 * has the default (marketing: no); so has one that is no longer the clinic's.
 */
export async function consentWithheldAmong(db: Executor, queries: readonly ConsentQuery[]): Promise<Set<number>> {
  const asked = queries.filter((q) => isUuid(q.patientId));
  const distinct = <T>(pick: (q: ConsentQuery) => T) => [...new Set(asked.map(pick))];
  // Bounded on every leading column of patient_consents_latest_idx; the newest row per key wins.
  const rows = asked.length === 0 ? [] : await db
    .selectDistinctOn([patientConsents.tenantId, patientConsents.patientId, patientConsents.channel, patientConsents.purpose], {
      tenantId: patientConsents.tenantId, patientId: patientConsents.patientId, channel: patientConsents.channel, purpose: patientConsents.purpose, granted: patientConsents.granted,
    })
    .from(patientConsents)
    .where(and(
      inArray(patientConsents.tenantId, distinct((q) => q.tenantId)), inArray(patientConsents.patientId, distinct((q) => q.patientId)),
      inArray(patientConsents.channel, distinct((q) => q.channel)), inArray(patientConsents.purpose, distinct((q) => q.purpose)),
    ))
    .orderBy(patientConsents.tenantId, patientConsents.patientId, patientConsents.channel, patientConsents.purpose, desc(patientConsents.recordedAt));
  const key = (q: ConsentQuery) => `${q.tenantId}\u0000${q.patientId}\u0000${q.channel}\u0000${q.purpose}`;
  const answers = new Map(rows.map((r) => [key(r), r.granted]));
  const withheld = new Set<number>();
  queries.forEach((q, index) => {
    if (!(answers.get(key(q)) ?? CONSENT_DEFAULTS[q.purpose])) withheld.add(index);
  });
  return withheld;
}
