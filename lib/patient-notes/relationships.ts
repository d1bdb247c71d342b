import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import { patientContacts, patients, portalAccountPatients, portalAccounts } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { listLinkedPatients } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { ageStage, decisionFor } from '@/lib/portal-access/proxy-consent';
import { grantedAreas } from '@/lib/portal-access/proxy-link-form';
import { loadProxyAgeRules } from '@/lib/portal-access/proxy-links';
import { ageOn, effectiveScope } from '@/lib/portal-access/proxy-scope';
import { PatientNoteAuditActions } from './audit-actions';

/**
 * The portal's "My relationships" (seed 002, issue 15 point 11; issue 19 point 5):
 *  - the patients the signed-in account is linked to, with what it reaches of each today and why
 *    (also those it cannot act for today: access ended at 18, or by its dates);
 *  - the portal accounts linked to the selected patient, how each is related to them and what of
 *    the patient's portal each reaches today (lib/portal-access/proxy-scope.ts); only the
 *    patient's own account ('self') changes the phone and email it signs in with. Names only: an
 *    account's email and phone are not shown to the others. On the patient's own account, each
 *    proxy also carries the decision the age rules offer today (proxy-consent.ts);
 *  - the contacts on the patient's record (patient_contacts), who have no portal access through
 *    being a contact;
 *  - the documents the viewer can see (the portal's own list), when their link opens documents.
 */
export async function loadPortalRelationships(db: Executor, ctx: PortalContext) {
  // The account's links as they are now (staff may have changed them since the session began).
  const linked = await listLinkedPatients(db, ctx.tenant.id, ctx.account.id);
  const current = linked.find((p) => p.id === ctx.patient.id);
  if (!current || current.areas.length === 0) throw new NotFoundError('patient');
  const [today, rules] = await Promise.all([clinicToday(db, ctx.tenant.id), loadProxyAgeRules(db, ctx.tenant.id)]);
  // The dates of the account's own links, for "starts on" and "ended on".
  const ownLinks = await db
    .select({ patientId: portalAccountPatients.patientId, startsOn: portalAccountPatients.startsOn, endsOn: portalAccountPatients.endsOn })
    .from(portalAccountPatients)
    .where(and(eq(portalAccountPatients.tenantId, ctx.tenant.id), eq(portalAccountPatients.accountId, ctx.account.id)));
  const datesOf = new Map(ownLinks.map((l) => [l.patientId, l]));
  const accounts = await db
    .select({
      id: portalAccounts.id, fullName: portalAccounts.fullName, relationship: portalAccountPatients.relationship, since: portalAccountPatients.createdAt,
      scope: portalAccountPatients.scope, areas: portalAccountPatients.areas, startsOn: portalAccountPatients.startsOn, endsOn: portalAccountPatients.endsOn,
      teenConsentAt: portalAccountPatients.teenConsentAt, adultGrantAt: portalAccountPatients.adultGrantAt,
    })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(
      eq(portalAccountPatients.tenantId, ctx.tenant.id),
      eq(portalAccountPatients.patientId, ctx.patient.id),
      eq(portalAccounts.status, 'active'),
    ))
    .orderBy(asc(portalAccountPatients.createdAt), asc(portalAccounts.fullName));
  const dateOfBirth = current.dateOfBirth;
  const age = ageOn(dateOfBirth, today);
  const stage = ageStage(age, rules);
  const isOwnRecord = current.relationship === 'self';

  const contactPatient = alias(patients, 'contact_patient');
  const contacts = await db
    .select({
      id: patientContacts.id,
      relationship: patientContacts.relationship,
      fullName: patientContacts.fullName,
      patientFirstName: contactPatient.firstName,
      patientLastName: contactPatient.lastName,
    })
    .from(patientContacts)
    .leftJoin(contactPatient, and(eq(contactPatient.tenantId, patientContacts.tenantId), eq(contactPatient.id, patientContacts.contactPatientId)))
    .where(and(eq(patientContacts.tenantId, ctx.tenant.id), eq(patientContacts.patientId, ctx.patient.id)))
    .orderBy(asc(patientContacts.createdAt));

  const canSeeDocuments = current.areas.includes('documents');
  const documents = canSeeDocuments ? await listPortalDocuments(db, ctx) : [];
  await recordAudit(db, ctx, {
    action: PatientNoteAuditActions.relationshipsViewed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { accounts: accounts.length, contacts: contacts.length },
  });
  return {
    actsFor: linked.map(({ id, firstName, lastName, relationship, areas, scopeReason, dateOfBirth: born }) => ({
      id, firstName, lastName, relationship, areas, scopeReason, age: ageOn(born, today),
      startsOn: datesOf.get(id)?.startsOn ?? null, endsOn: datesOf.get(id)?.endsOn ?? null, selected: id === ctx.patient.id,
    })),
    accounts: accounts.map((a) => {
      const effective = effectiveScope(a, dateOfBirth, today, rules);
      // Only the patient's own account decides, and only the decision the age rules offer today.
      const decision = isOwnRecord && a.relationship !== 'self'
        ? decisionFor(stage, { granted: grantedAreas(a.scope, a.areas), effective, teenConsentAt: a.teenConsentAt, adultGrantAt: a.adultGrantAt })
        : null;
      return {
        fullName: a.fullName, relationship: a.relationship, since: a.since, isYou: a.id === ctx.account.id,
        areas: effective.areas, scopeReason: effective.reason, startsOn: a.startsOn, endsOn: a.endsOn,
        // The account id is what the decision's form names; only the patient's own account gets it.
        ...(decision ? { decision, accountId: a.id } : {}),
        ...(isOwnRecord ? { teenConsentAt: a.teenConsentAt, adultGrantAt: a.adultGrantAt } : {}),
      };
    }),
    patient: { age, stage, rules, isOwnRecord },
    canSeeDocuments,
    contacts: contacts.map((c) => ({
      id: c.id,
      relationship: c.relationship,
      name: c.patientFirstName ? `${c.patientFirstName} ${c.patientLastName}` : (c.fullName ?? ''),
    })),
    documents,
  };
}
export type PortalRelationships = Awaited<ReturnType<typeof loadPortalRelationships>>;
