import 'server-only';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { documents, patients, portalAccountPatients, portalAccounts, tenantSettings, type PortalRelationship, type ProxyScope } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { uploadDocument } from '@/lib/documents/upload-document';
import { isUuid } from '@/lib/kernel/ids';
import { RuleError } from '@/lib/kernel/errors';
import { ProxyAccessAuditActions } from './proxy-audit-actions';
import { describeProxyState, grantedAreas, widensScope, type PickedFile } from './proxy-link-form';
import { ageOn, DEFAULT_AGE_RULES, effectiveScope, type EffectiveScope, type PortalArea, type ProxyAgeRules } from './proxy-scope';
import { requirePortalAdminPatient } from './staff-context';

/**
 * Proxy links, the staff side (issue 19 point 5): what each portal account linked to a patient
 * reaches today and why, and the EMR's editor for a link's scope, dates and signed consent.
 * The rule itself is proxy-scope.ts; the portal's side (a teen's consent, an adult's renewed
 * grant) is proxy-consent.ts.
 */

/** A refusal staff can act on, pointing at the field to fix. */
export class ProxyLinkError extends RuleError {
  constructor(code: string, message: string, field?: string) {
    super(code, message, field ? { [field]: message } : undefined);
    this.name = 'ProxyLinkError';
  }
}

/** The clinic's age rules (CRM → Sign-in and access); the defaults before settings exist. */
export async function loadProxyAgeRules(db: Executor, tenantId: string): Promise<ProxyAgeRules> {
  const [row] = await db
    .select({ enabled: tenantSettings.proxyAgeRules, teenAge: tenantSettings.proxyTeenAge, adultAge: tenantSettings.proxyAdultAge })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  return row ?? DEFAULT_AGE_RULES;
}

export interface ProxyLinkView {
  accountId: string;
  fullName: string;
  relationship: PortalRelationship;
  scope: ProxyScope;
  /** What the scope grants before dates and age rules. */
  granted: PortalArea[];
  /** The custom areas as stored (for the editor's checkboxes). */
  areas: PortalArea[];
  startsOn: string | null;
  endsOn: string | null;
  evidence: { id: string; title: string } | null;
  teenConsentAt: Date | null;
  adultGrantAt: Date | null;
  effective: EffectiveScope;
  /** In staff's words: "Limited" and why. */
  state: { label: string; detail: string };
}

export interface ProxyLinksOfPatient {
  /** The clinic's calendar date the states are computed for. */
  today: string;
  patient: { firstName: string; age: number };
  rules: ProxyAgeRules;
  links: ProxyLinkView[];
}

/** Every portal account linked to the patient (self first by link date), with its state today. */
export async function listProxyLinks(db: Executor, ctx: StaffContext, patientId: string): Promise<ProxyLinksOfPatient> {
  await requirePortalAdminPatient(db, ctx, patientId);
  const tenantId = ctx.tenant.id;
  const [patient] = await db
    .select({ firstName: patients.firstName, dateOfBirth: patients.dateOfBirth })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  const [today, rules] = await Promise.all([clinicToday(db, tenantId), loadProxyAgeRules(db, tenantId)]);
  const rows = await db
    .select({
      accountId: portalAccountPatients.accountId, fullName: portalAccounts.fullName, relationship: portalAccountPatients.relationship,
      scope: portalAccountPatients.scope, areas: portalAccountPatients.areas, startsOn: portalAccountPatients.startsOn,
      endsOn: portalAccountPatients.endsOn, evidenceId: documents.id, evidenceTitle: documents.title,
      teenConsentAt: portalAccountPatients.teenConsentAt, adultGrantAt: portalAccountPatients.adultGrantAt,
    })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    // A deleted consent no longer counts as evidence (the link keeps its id for the record).
    .leftJoin(documents, and(
      eq(documents.tenantId, portalAccountPatients.tenantId), eq(documents.id, portalAccountPatients.evidenceDocumentId),
      eq(documents.status, 'available'), isNull(documents.deletedAt),
    ))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.patientId, patientId)))
    .orderBy(asc(portalAccountPatients.createdAt), asc(portalAccounts.fullName));
  const age = ageOn(patient.dateOfBirth, today);
  return {
    today,
    patient: { firstName: patient.firstName, age },
    rules,
    links: rows.map((r) => {
      const effective = effectiveScope(r, patient.dateOfBirth, today, rules);
      return {
        accountId: r.accountId, fullName: r.fullName, relationship: r.relationship, scope: r.scope,
        granted: grantedAreas(r.scope, r.areas), areas: grantedAreas('custom', r.areas),
        startsOn: r.startsOn, endsOn: r.endsOn,
        evidence: r.evidenceId ? { id: r.evidenceId, title: r.evidenceTitle ?? '' } : null,
        teenConsentAt: r.teenConsentAt, adultGrantAt: r.adultGrantAt,
        effective,
        state: describeProxyState(effective, r, { firstName: patient.firstName, age }, rules),
      };
    }),
  };
}

export interface ProxyLinkChange {
  patientId: string;
  accountId: string;
  scope: ProxyScope;
  areas: readonly PortalArea[];
  startsOn: string | null;
  endsOn: string | null;
  /** One of the patient's documents, or null for none. */
  evidenceDocumentId: string | null;
  /** A scanned consent to file as a document of the patient and link (replaces evidenceDocumentId). */
  evidenceFile?: PickedFile | null;
  evidenceTypeId?: string | null;
}

/**
 * Staff change a proxy link: scope (custom areas kept only for `custom`), dates and the consent
 * that backs it. Needs portal administration and patient editing (and document upload for a new
 * file, filed through the EMR's own upload path, hidden from the portal). A scope that opens an
 * area it did not open before clears the teen's consent and the adult's renewed grant
 * (widensScope says why); anything else keeps them. Audited with before and after.
 */
export async function saveProxyLink(db: Database, ctx: StaffContext, change: ProxyLinkChange): Promise<{ consentsCleared: boolean; evidenceDocumentId: string | null }> {
  assertPermission(ctx, 'patients.edit');
  await requirePortalAdminPatient(db, ctx, change.patientId);
  const tenantId = ctx.tenant.id;
  if (!isUuid(change.accountId)) throw new NotFoundError('portal account');
  const current = await findLink(db, tenantId, change.accountId, change.patientId);
  if (!current) throw new NotFoundError('portal account');
  if (current.relationship === 'self') {
    throw new ProxyLinkError('self-link', 'This is the patient’s own account: it always reaches everything, so there is no scope to set.');
  }
  if (change.startsOn && change.endsOn && change.endsOn < change.startsOn) {
    throw new ProxyLinkError('dates', 'The end date must be on or after the start date.', 'endsOn');
  }

  let evidenceDocumentId = change.evidenceDocumentId;
  if (change.evidenceFile) {
    assertPermission(ctx, 'documents.upload');
    if (!change.evidenceTypeId) throw new ProxyLinkError('evidence-type', 'Choose the type the uploaded consent is filed under.', 'evidenceTypeId');
    const file = change.evidenceFile;
    const row = await uploadDocument(db, ctx, {
      patientId: change.patientId,
      typeId: change.evidenceTypeId,
      title: `Consent to portal access: ${current.fullName}`.slice(0, 200),
      examinationDate: await clinicToday(db, tenantId),
      visibleToPatient: false,
      sendNotification: false,
      file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name, declaredType: file.type },
    });
    evidenceDocumentId = row.id;
  }

  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(portalAccountPatients)
      .where(and(
        eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.accountId, change.accountId),
        eq(portalAccountPatients.patientId, change.patientId),
      ))
      .for('update');
    if (!before || before.relationship === 'self') throw new NotFoundError('portal account');
    if (evidenceDocumentId && evidenceDocumentId !== before.evidenceDocumentId) {
      if (!isUuid(evidenceDocumentId) || !(await isPatientDocument(tx, tenantId, change.patientId, evidenceDocumentId))) {
        throw new ProxyLinkError('evidence', 'Choose one of this patient’s documents, or none.', 'evidenceDocumentId');
      }
    }
    const areas = change.scope === 'custom' ? grantedAreas('custom', change.areas) : [];
    if (change.scope === 'custom' && areas.length === 0) {
      throw new ProxyLinkError('areas', 'Tick at least one part of the portal, or choose limited access.', 'areas');
    }
    const widened = widensScope(grantedAreas(before.scope, before.areas), grantedAreas(change.scope, areas));
    const consentsCleared = widened && (before.teenConsentAt !== null || before.adultGrantAt !== null);
    const next = {
      scope: change.scope, areas, startsOn: change.startsOn, endsOn: change.endsOn, evidenceDocumentId,
      ...(widened ? { teenConsentAt: null, adultGrantAt: null } : {}),
    };
    await tx
      .update(portalAccountPatients)
      .set(next)
      .where(and(
        eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.accountId, change.accountId),
        eq(portalAccountPatients.patientId, change.patientId),
      ));
    const shape = (l: { scope: ProxyScope; areas: readonly string[]; startsOn: string | null; endsOn: string | null; evidenceDocumentId: string | null }) => ({
      scope: l.scope, areas: [...l.areas], startsOn: l.startsOn, endsOn: l.endsOn, evidenceDocumentId: l.evidenceDocumentId,
    });
    await recordAudit(tx, ctx, {
      action: ProxyAccessAuditActions.linkChanged,
      patientId: change.patientId,
      target: { type: 'portal_account', id: change.accountId },
      details: {
        before: { ...shape(before), teenConsent: before.teenConsentAt !== null, adultGrant: before.adultGrantAt !== null },
        after: shape(next),
        ...(consentsCleared ? { consentsCleared: true } : {}),
        ...(change.evidenceFile ? { evidenceUploaded: true } : {}),
      },
    });
    return { consentsCleared, evidenceDocumentId };
  });
}

async function findLink(db: Executor, tenantId: string, accountId: string, patientId: string) {
  const [row] = await db
    .select({ relationship: portalAccountPatients.relationship, fullName: portalAccounts.fullName })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.accountId, accountId), eq(portalAccountPatients.patientId, patientId)));
  return row;
}

/** An available, not deleted document of this patient in this clinic. */
async function isPatientDocument(db: Executor, tenantId: string, patientId: string, documentId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: documents.id })
    .from(documents)
    .where(and(
      eq(documents.tenantId, tenantId), eq(documents.id, documentId), eq(documents.patientId, patientId),
      eq(documents.status, 'available'), isNull(documents.deletedAt),
    ));
  return Boolean(row);
}
