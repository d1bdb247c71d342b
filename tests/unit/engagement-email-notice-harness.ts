import type { Executor } from '@/db/client';
import type { OutboxMessageInput } from '@/lib/outbox/enqueue';

/**
 * Runs every patient notice (lib/notifications and the secure-message notice) without a
 * database: the audience and the outbox are replaced by the test (vi.mock of
 * lib/notifications/audience and lib/outbox/enqueue, with `state` from vi.hoisted), and each
 * notice's queued messages come back keyed by kind and language. The same inputs produced
 * tests/unit/engagement-email-previous-texts.ts from the plain-text notices.
 */

export const CLINIC = 'Sunrise Family Clinic';
export const SLUG = 'sunrise';
export const LOGO = '/api/branding/9a0f3c1e-2b4d-4e6f-8a1b-3c5d7e9f1a2b/logo-1.png';
export const COLOR = '#0f766e';
export const ORDER_ID = '5b0c2c1e-8f7a-4c1d-9e2f-1a2b3c4d5e6f';
export const APPOINTMENT_ID = '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b';

export interface HarnessState {
  queued: OutboxMessageInput[];
  audience: Record<string, unknown> | null;
}

export type Language = 'en' | 'es';

export interface QueuedNotice {
  subject: string;
  emailText: string;
  html: string | null;
  sms: string | null;
  attachments: string[];
}

function audienceFor(language: Language) {
  return {
    clinicName: CLINIC,
    slug: SLUG,
    language,
    emails: ['pat@example.test'],
    phones: ['+15555550101'],
    logoUrl: LOGO,
    primaryColor: COLOR,
  };
}

/** A transaction whose one query (the appointment with its location and the clinic's language) answers `row`. */
function appointmentTx(): Executor {
  const row = {
    patientId: 'p1',
    startsAt: new Date('2030-01-09T15:00:00Z'),
    endsAt: new Date('2030-01-09T15:30:00Z'),
    locationName: 'Main Street',
    addressLine1: '1 Main Street',
    addressLine2: null,
    city: 'Springfield',
    region: 'IL',
    postalCode: '62701',
    timeZone: 'America/New_York',
    locationTranslations: {},
    clinicLanguage: 'en',
  };
  const where = async () => [row];
  const joined = { innerJoin: () => joined, where };
  return { select: () => ({ from: () => joined }) } as unknown as Executor;
}

const noTx = {} as Executor;

/** A transaction whose one query (is the document or conversation hidden from proxies?) answers no. */
function documentTx(): Executor {
  const where = async () => [{ hidden: false }];
  return { select: () => ({ from: () => ({ where, innerJoin: () => ({ where }) }) }) } as unknown as Executor;
}

/** Every notice kind, each as a call that queues it. */
export async function noticeCalls(): Promise<Record<string, () => Promise<unknown>>> {
  const { enqueueDocumentNotification } = await import('@/lib/notifications/document-notifications');
  const { enqueueAppointmentNotification } = await import('@/lib/notifications/appointment-notifications');
  const { enqueueBillingNotice } = await import('@/lib/notifications/billing-notifications');
  const { enqueueFormNotice } = await import('@/lib/notifications/form-notifications');
  const { enqueueOrderNotice } = await import('@/lib/notifications/order-notifications');
  const { enqueueSubscriptionNotice } = await import('@/lib/notifications/subscription-notifications');
  const { enqueueNewMessageNotification } = await import('@/lib/conversations/notify');
  const tenantId = 't1';
  const patientId = 'p1';
  const calls: Record<string, () => Promise<unknown>> = {
    document: () => enqueueDocumentNotification(documentTx(), { tenantId, patientId, documentId: 'd1' }),
    'appointment-confirmed': () => enqueueAppointmentNotification(appointmentTx(), { tenantId, appointmentId: APPOINTMENT_ID, kind: 'confirmed' }),
    'appointment-cancelled': () => enqueueAppointmentNotification(appointmentTx(), { tenantId, appointmentId: APPOINTMENT_ID, kind: 'cancelled' }),
    'subscription-renewal_failed-retry': () => enqueueSubscriptionNotice(noTx, {
      tenantId, patientId, kind: 'renewal_failed', event: 'e', amount: '$49.00', retryAt: new Date('2030-02-03T15:00:00Z'), timeZone: 'America/New_York',
    }),
    'subscription-renewal_failed-last': () => enqueueSubscriptionNotice(noTx, {
      tenantId, patientId, kind: 'renewal_failed', event: 'e', amount: '$49.00', retryAt: null, timeZone: 'America/New_York',
    }),
    'subscription-cancelled_unpaid': () => enqueueSubscriptionNotice(noTx, {
      tenantId, patientId, kind: 'cancelled_unpaid', event: 'e', amount: '$49.00', retryAt: null, timeZone: 'America/New_York',
    }),
    message: () => enqueueNewMessageNotification(documentTx(), { tenantId, patientId, messageId: 'm1' }),
  };
  for (const kind of ['invoice', 'receipt', 'refund'] as const) {
    calls[`billing-${kind}`] = () => enqueueBillingNotice(noTx, { tenantId, patientId, kind, event: 'e', amount: '$120.00', reference: 'INV-000001' });
  }
  for (const kind of ['assigned', 'correction'] as const) {
    calls[`form-${kind}`] = () => enqueueFormNotice(noTx, { tenantId, patientId, kind, event: 'e' });
  }
  for (const kind of ['shipped', 'delivered'] as const) {
    calls[`order-${kind}`] = () => enqueueOrderNotice(noTx, { tenantId, patientId, orderId: ORDER_ID, orderLabel: 'ORD-000042', kind, event: 'e' });
  }
  return calls;
}

/** Queues every notice in both languages and returns what each queued. */
export async function queueEveryNotice(state: HarnessState): Promise<Record<string, QueuedNotice>> {
  const calls = await noticeCalls();
  const result: Record<string, QueuedNotice> = {};
  for (const language of ['en', 'es'] as const) {
    for (const [name, call] of Object.entries(calls)) {
      state.queued = [];
      state.audience = audienceFor(language);
      await call();
      const email = state.queued.find((m) => m.channel === 'email');
      if (!email) throw new Error(`${name}: no email queued`);
      result[`${name}:${language}`] = {
        subject: email.subject ?? '',
        emailText: email.body,
        html: email.html ?? null,
        sms: state.queued.find((m) => m.channel === 'sms')?.body ?? null,
        attachments: (email.attachments ?? []).map((a) => a.filename),
      };
    }
  }
  return result;
}
