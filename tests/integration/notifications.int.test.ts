import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  documentTypes,
  documents,
  outboxMessages,
  patientPortalSettings,
  patients,
  portalAccountPatients,
  portalAccounts,
  type DocumentNotification,
  type OutboxMessage,
} from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import type { EmailMessage, EmailSender } from '@/lib/email/types';
import { enqueueDocumentNotification } from '@/lib/notifications/document-notifications';
import { pickNotificationLanguage } from '@/lib/notifications/texts';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { createTestTenant } from '../support/factories';
import { FakeSms } from '../support/portal-fixtures';

/**
 * "A new document is available" notifications: who gets them, on which channels, in which
 * language, and that they say nothing about the patient or the document.
 */

const T0 = new Date('2026-03-02T09:00:00Z');
const CLINIC = 'Sunrise Family Clinic';
// Distinctive, so a leak into any message body is unmistakable.
const FIRST_NAME = 'Philippa';
const LAST_NAME = 'Quennell-Notify';
const TITLE = 'Biopsy result: malignant melanoma';

beforeEach(() => {
  setClockForTests(() => T0);
  vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
});

afterEach(async () => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
  // The dispatcher test below delivers whatever is due, so no case leaves messages behind.
  await getDb().delete(outboxMessages);
});

type Tenant = Awaited<ReturnType<typeof createTestTenant>>;

function clinic(settings: { defaultDocumentNotification?: DocumentNotification; defaultLanguage?: string } = {}) {
  return createTestTenant({ name: CLINIC, settings });
}

let n = 0;
/** A child's date of birth whatever the year the suite runs in (younger than the age rules' 12). */
const CHILD_BIRTH_DATE = `${new Date().getUTCFullYear() - 5}-01-15`;

async function patientOf(
  tenant: Tenant,
  options: { email?: string | null; phone?: string | null; language?: string; preference?: DocumentNotification | null; dateOfBirth?: string } = {},
) {
  const [patient] = await getDb()
    .insert(patients)
    .values({
      tenantId: tenant.id,
      recordNumber: `MRN-N-${++n}-${randomBytes(3).toString('hex')}`,
      firstName: FIRST_NAME,
      lastName: LAST_NAME,
      dateOfBirth: options.dateOfBirth ?? '1984-07-19',
      email: options.email === undefined ? `philippa-${randomBytes(3).toString('hex')}@example.test` : options.email,
      phone: options.phone === undefined ? '+15555550101' : options.phone,
      preferredLanguage: options.language ?? 'en',
    })
    .returning();
  if (options.preference !== undefined) {
    await getDb().insert(patientPortalSettings).values({
      tenantId: tenant.id, patientId: patient!.id, documentNotification: options.preference,
    });
  }
  return patient!;
}

async function linkAccount(
  tenant: Tenant,
  patientId: string,
  account: { email: string | null; phone: string; status?: 'active' | 'disabled'; nationalIdHash?: string },
) {
  const [row] = await getDb()
    .insert(portalAccounts)
    .values({
      tenantId: tenant.id,
      fullName: 'Quentin Quennell-Notify',
      email: account.email,
      nationalIdHash: account.nationalIdHash ?? null,
      phone: account.phone,
      phoneVerifiedAt: T0,
      passwordHash: 'not-used-here',
      status: account.status ?? 'active',
    })
    .returning();
  await getDb().insert(portalAccountPatients).values({
    tenantId: tenant.id, accountId: row!.id, patientId, relationship: 'parent',
  });
}

/** A real document row with a revealing title, to show the title never reaches a message. */
async function documentFor(tenant: Tenant, patientId: string): Promise<string> {
  const [type] = await getDb()
    .select({ id: documentTypes.id })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, tenant.id), eq(documentTypes.name, 'Lab result')));
  const [doc] = await getDb()
    .insert(documents)
    .values({
      tenantId: tenant.id,
      patientId,
      typeId: type!.id,
      title: TITLE,
      visibleToPatient: true,
      status: 'available',
      storageKey: `test/${randomUUID()}`,
      originalFilename: 'biopsy-melanoma.pdf',
      contentType: 'application/pdf',
      sizeBytes: 1000,
      uploadedByKind: 'staff',
      uploadedById: randomUUID(),
      notifyPatient: true,
    })
    .returning({ id: documents.id });
  return doc!.id;
}

/** Queues the notification in a transaction, as the upload does, and returns what was queued. */
async function notify(tenant: Tenant, patientId: string, documentId?: string) {
  const id = documentId ?? (await documentFor(tenant, patientId));
  const count = await getDb().transaction((tx) => enqueueDocumentNotification(tx, { tenantId: tenant.id, patientId, documentId: id }));
  const rows = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id));
  return { count, rows, documentId: id };
}

const recipients = (rows: OutboxMessage[], channel: 'sms' | 'email') =>
  rows.filter((r) => r.channel === channel).map((r) => r.recipient).sort();

describe('enqueueDocumentNotification: channels', () => {
  it('sends email only when the clinic default is "email" and the patient has no preference of their own', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email' });
    const patient = await patientOf(tenant);

    const { count, rows, documentId } = await notify(tenant, patient.id);
    expect(count).toBe(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'email',
      recipient: patient.email,
      status: 'pending',
      idempotencyKey: `document:${documentId}:email:${patient.email}`,
    });
  });

  it('adds an SMS when the patient chose "email and SMS", whatever the clinic default', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email' });
    const patient = await patientOf(tenant, { preference: 'email_sms' });

    const { count, rows, documentId } = await notify(tenant, patient.id);
    expect(count).toBe(2);
    expect(recipients(rows, 'email')).toEqual([patient.email]);
    expect(recipients(rows, 'sms')).toEqual([patient.phone]);
    expect(rows.find((r) => r.channel === 'sms')!.idempotencyKey).toBe(`document:${documentId}:sms:${patient.phone}`);
  });

  it('follows the clinic default "email and SMS", and a patient\'s "email only" overrides it', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const byDefault = await patientOf(tenant);
    const emailOnly = await patientOf(tenant, { preference: 'email' });

    const first = await notify(tenant, byDefault.id);
    expect(first.count).toBe(2);
    const second = await notify(tenant, emailOnly.id);
    expect(second.count).toBe(1);
    expect(second.rows.filter((r) => r.idempotencyKey.startsWith(`document:${second.documentId}:`)))
      .toEqual([expect.objectContaining({ channel: 'email', recipient: emailOnly.email })]);
  });

  it('queues nothing for a patient without email or phone, and skips SMS for one without a phone', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const unreachable = await patientOf(tenant, { email: null, phone: null });
    expect(await notify(tenant, unreachable.id)).toMatchObject({ count: 0, rows: [] });

    const noPhone = await patientOf(tenant, { phone: null });
    const { count, rows } = await notify(tenant, noPhone.id);
    expect(count).toBe(1);
    expect(rows.map((r) => r.channel)).toEqual(['email']);
  });
});

describe('enqueueDocumentNotification: recipients', () => {
  it('reaches the active portal accounts linked to the patient, once per address', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    // A child without contact details of her own (a parent's access to an adult ends with the clinic's age rules).
    const child = await patientOf(tenant, { email: null, phone: null, dateOfBirth: CHILD_BIRTH_DATE });
    await linkAccount(tenant, child.id, { email: 'parent@example.test', phone: '+15555550202' });
    // The second parent shares the first one's phone: one SMS to that phone.
    await linkAccount(tenant, child.id, { email: 'other.parent@example.test', phone: '+15555550202' });
    // A caregiver whose access was disabled hears nothing more about the patient.
    await linkAccount(tenant, child.id, { email: 'former.caregiver@example.test', phone: '+15555550303', status: 'disabled' });

    const { count, rows } = await notify(tenant, child.id);
    expect(recipients(rows, 'email')).toEqual(['other.parent@example.test', 'parent@example.test']);
    expect(recipients(rows, 'sms')).toEqual(['+15555550202']);
    expect(count).toBe(3);
  });

  it('does not send twice to a patient who is also their own linked portal account', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const patient = await patientOf(tenant, { email: 'Philippa.Self@Example.test' });
    await linkAccount(tenant, patient.id, { email: 'philippa.self@example.test', phone: patient.phone! });

    const { count, rows } = await notify(tenant, patient.id);
    expect(count).toBe(2);
    expect(recipients(rows, 'email')).toEqual(['philippa.self@example.test']);
    expect(recipients(rows, 'sms')).toEqual([patient.phone]);
  });

  it('queues the same document once, however often it is called', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const patient = await patientOf(tenant);
    const first = await notify(tenant, patient.id);
    const again = await notify(tenant, patient.id, first.documentId);
    expect(first.count).toBe(2);
    expect(again.count).toBe(0);
    expect(again.rows).toHaveLength(2);
  });

  it('answers not-found for another clinic\'s patient and queues nothing', async () => {
    const mine = await clinic();
    const theirs = await clinic();
    const patient = await patientOf(theirs);
    await expect(notify(mine, patient.id, randomUUID())).rejects.toThrow('patient not found');
    expect(await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, mine.id))).toEqual([]);
  });

  it('queues nothing when the upload\'s transaction rolls back', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const patient = await patientOf(tenant);
    await expect(getDb().transaction(async (tx) => {
      expect(await enqueueDocumentNotification(tx, { tenantId: tenant.id, patientId: patient.id, documentId: randomUUID() })).toBe(2);
      throw new Error('storage verification failed');
    })).rejects.toThrow('storage verification failed');
    expect(await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id))).toEqual([]);
  });
});

describe('enqueueDocumentNotification: texts', () => {
  it('names the clinic and links to the portal, never the patient or the document', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const patient = await patientOf(tenant, { dateOfBirth: CHILD_BIRTH_DATE });
    await linkAccount(tenant, patient.id, { email: 'parent@example.test', phone: '+15555550202' });

    const { rows } = await notify(tenant, patient.id);
    expect(rows).toHaveLength(4);
    const email = rows.find((r) => r.channel === 'email')!;
    expect(email.subject).toBe(`New document in your ${CLINIC} portal`);
    expect(email.body).toContain(`A new document is available in your ${CLINIC} patient portal. Sign in to view it`);
    expect(email.body).toContain(`https://${tenant.slug}.carebridge.example/portal/documents`);
    const sms = rows.find((r) => r.channel === 'sms')!;
    expect(sms.body).toBe(`A new document is available in your ${CLINIC} patient portal. Sign in to view it.`);

    for (const row of rows) {
      const text = [row.subject, row.body, row.html].join('\n');
      for (const secret of [FIRST_NAME, LAST_NAME, 'Quentin', TITLE, 'Biopsy', 'melanoma', 'Lab result', patient.recordNumber, '1984']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('writes Spanish to a patient whose preferred language is Spanish', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const patient = await patientOf(tenant, { language: 'es' });

    const { rows } = await notify(tenant, patient.id);
    const email = rows.find((r) => r.channel === 'email')!;
    expect(email.subject).toBe(`Nuevo documento en su portal de ${CLINIC}`);
    expect(email.body).toContain(`Hay un nuevo documento disponible en su portal de pacientes de ${CLINIC}. Inicie sesión para verlo`);
    expect(rows.find((r) => r.channel === 'sms')!.body)
      .toBe(`Hay un nuevo documento disponible en su portal de pacientes de ${CLINIC}. Inicie sesión para verlo.`);
  });

  it('falls back to the clinic\'s language, then English, for a language without texts', async () => {
    const spanishClinic = await clinic({ defaultLanguage: 'es' });
    const hungarian = await patientOf(spanishClinic, { language: 'hu' });
    expect((await notify(spanishClinic, hungarian.id)).rows[0]!.subject).toBe(`Nuevo documento en su portal de ${CLINIC}`);

    const englishClinic = await clinic({ defaultLanguage: 'hu' });
    const alsoHungarian = await patientOf(englishClinic, { language: 'hu' });
    expect((await notify(englishClinic, alsoHungarian.id)).rows[0]!.subject).toBe(`New document in your ${CLINIC} portal`);

    expect(pickNotificationLanguage('es-MX', 'en')).toBe('es');
    expect(pickNotificationLanguage(null, undefined)).toBe('en');
  });

  it('links to http on the development root domain', async () => {
    vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'localhost');
    vi.stubEnv('PORT', '3100');
    const tenant = await clinic();
    const patient = await patientOf(tenant);
    const { rows } = await notify(tenant, patient.id);
    expect(rows[0]!.body).toContain(`http://${tenant.slug}.localhost:3100/portal/documents`);
  });
});

describe('document notifications through the dispatcher', () => {
  it('delivers each queued notification once to the providers', async () => {
    const tenant = await clinic({ defaultDocumentNotification: 'email_sms' });
    const patient = await patientOf(tenant, { language: 'es' });
    await notify(tenant, patient.id);

    const emails: EmailMessage[] = [];
    const email: EmailSender = {
      name: 'outbox',
      send: async (message) => {
        emails.push(message);
        return { providerMessageId: `email-${emails.length}` };
      },
    };
    const sms = new FakeSms();
    expect(await dispatchDueMessages({ email, sms })).toEqual({ sent: 2, retried: 0, dead: 0 });
    expect(await dispatchDueMessages({ email, sms })).toEqual({ sent: 0, retried: 0, dead: 0 });

    expect(emails).toEqual([expect.objectContaining({ to: patient.email, subject: `Nuevo documento en su portal de ${CLINIC}` })]);
    expect(sms.sent).toEqual([expect.objectContaining({ to: patient.phone })]);
  });
});
