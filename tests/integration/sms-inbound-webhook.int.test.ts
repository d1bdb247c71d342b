import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/webhooks/sms/route';
import { getDb } from '@/db/client';
import { auditLog, outboxMessages, patientConsents, patients, portalAccountPatients, suppressions, type Patient } from '@/db/schema';
import { mayContact } from '@/lib/engagement/consent';
import { suppressionOf } from '@/lib/engagement/suppressions';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { forgetSnsCertificatesForTests } from '@/lib/sms/sns-certificates';
import { setSnsOriginForTests } from '@/lib/sms/sns-endpoint';
import { createConsentClinic, KeptSms, type ConsentClinic } from '../support/engagement-consent-world';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';
import { createSelfSignedCertificate } from '../support/self-signed-certificate';
import { inboundSmsMessage, SNS_HOST, SnsStandIn, type SnsType } from '../support/sns-stand-in';

/**
 * Issue 18, point 7 (SMS honours STOP) in production: AWS End User Messaging publishes replies to
 * an SNS topic, and SNS posts them to /api/webhooks/sms. Messages are signed for real (a
 * certificate made in the test, served on loopback in place of sns.us-east-1.amazonaws.com,
 * SignatureVersion 1 and 2). One AWS number serves every clinic, so a STOP reaches each clinic
 * that knows the phone: a patient's, a parent's portal account, a clinic that has never heard of
 * it stays as it was. Refused with a bare 400: a bad signature, a certificate off SNS's host for
 * the topic's region (nothing is fetched), another topic, a delivery older than SNS retries.
 * Repeats change nothing; a certificate AWS cannot serve just now answers 503 and is not kept.
 */

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:carebridge-inbound-sms';
const sns = new SnsStandIn();

let a: ConsentClinic;
/** Clinic B has its own patient with Maria's phone. */
let b: { id: string; patient: Patient };
/** Clinic C knows the phone only as a parent's portal account (the child has no phone). */
let c: { id: string; child: Patient };
/** Clinic D has never heard of the phone. */
let d: ConsentClinic;
let phone: string;

beforeAll(async () => {
  await sns.start();
});
afterAll(async () => {
  setSnsOriginForTests(undefined);
  await sns.stop();
});

beforeEach(async () => {
  vi.stubEnv('SMS_INBOUND_TOPIC_ARN', TOPIC);
  setSnsOriginForTests(sns.origin);
  forgetSnsCertificatesForTests();
  sns.requests.length = 0;
  sns.certificateStatus = 200;

  const db = getDb();
  a = await createConsentClinic();
  d = await createConsentClinic();
  phone = a.maria.phone!;
  const clinicB = await createTestTenant();
  const [patientB] = await db.insert(patients).values({
    tenantId: clinicB.id, recordNumber: `B-${crypto.randomUUID()}`, firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1984-07-19', phone,
  }).returning();
  b = { id: clinicB.id, patient: patientB! };
  const clinicC = await createTestTenant();
  const parent = await createPortalAccount(clinicC, { email: `parent.${crypto.randomUUID()}@family.test`, phone, password: 'Parent-password-1' });
  await db.update(patients).set({ phone: null }).where(and(eq(patients.tenantId, clinicC.id), eq(patients.id, parent.patient.id)));
  const [child] = await db.insert(patients).values({
    tenantId: clinicC.id, recordNumber: `C-${crypto.randomUUID()}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2015-03-02', phone: null,
  }).returning();
  await db.insert(portalAccountPatients).values({ tenantId: clinicC.id, accountId: parent.account.id, patientId: child!.id, relationship: 'parent' });
  c = { id: clinicC.id, child: child! };
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await getDb().delete(outboxMessages);
});

async function post(body: string, type: SnsType = 'Notification'): Promise<Response> {
  return POST(new Request('https://carebridge.example/api/webhooks/sms', {
    method: 'POST', body,
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': type, 'user-agent': 'Amazon Simple Notification Service Agent' },
  }));
}

/** A text from `from` as SNS delivers it for our topic. */
function reply(from: string, words: string, options: Parameters<SnsStandIn['deliver']>[2] & { timestamp?: Date; topic?: string } = {}): string {
  const fields = { TopicArn: options.topic ?? TOPIC, Message: inboundSmsMessage(from, words), ...(options.timestamp ? { Timestamp: options.timestamp.toISOString() } : {}) };
  return sns.deliver('Notification', fields, options);
}

/** Every clinic's SMS suppression and SMS consent rows for the phone's holders: what a refused call must leave alone. */
async function snapshot() {
  const db = getDb();
  const clinics = [a.clinic.id, b.id, c.id, d.clinic.id];
  return {
    suppressions: await db.select().from(suppressions).where(and(inArray(suppressions.tenantId, clinics), eq(suppressions.channel, 'sms'))).orderBy(suppressions.tenantId),
    consents: await db.select({ id: patientConsents.id }).from(patientConsents).where(inArray(patientConsents.tenantId, clinics)).orderBy(patientConsents.id),
  };
}

let n = 0;
async function text(tenantId: string, to: string): Promise<string> {
  const key = `sms:${++n}`;
  await enqueueMessage(getDb(), { tenantId, channel: 'sms', recipient: to, body: `Reminder ${n}`, idempotencyKey: key });
  return key;
}

async function smsAnswers(tenantId: string, patientId: string) {
  return getDb().select({ purpose: patientConsents.purpose, granted: patientConsents.granted, source: patientConsents.source })
    .from(patientConsents)
    .where(and(eq(patientConsents.tenantId, tenantId), eq(patientConsents.patientId, patientId), eq(patientConsents.channel, 'sms')))
    .orderBy(patientConsents.recordedAt);
}

describe('STOP and START from the platform number', () => {
  it('STOP (SignatureVersion 2) suppresses the phone in every clinic that knows it, care texts included', async () => {
    const response = await post(reply(phone, 'Stop'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });

    const db = getDb();
    for (const clinic of [a.clinic.id, b.id, c.id]) expect(await suppressionOf(db, clinic, 'sms', phone)).toBe('stopped');
    expect(await suppressionOf(db, d.clinic.id, 'sms', phone)).toBeNull();
    // The patients with that phone have a recorded "no" to care texts (marketing was already no).
    expect(await smsAnswers(a.clinic.id, a.maria.id)).toEqual([{ purpose: 'care', granted: false, source: 'sms_keyword' }]);
    expect(await smsAnswers(b.id, b.patient.id)).toEqual([{ purpose: 'care', granted: false, source: 'sms_keyword' }]);
    // ...audited by ids (the patient), never the number or the words.
    const audits = await db.select({ action: auditLog.action, details: auditLog.details }).from(auditLog).where(and(eq(auditLog.tenantId, b.id), eq(auditLog.patientId, b.patient.id)));
    expect(audits).toEqual([{ action: 'engagement.consent_changed', details: { channel: 'sms', purpose: 'care', granted: false, source: 'sms_keyword' } }]);
    expect(JSON.stringify(audits)).not.toContain(phone.slice(2));

    // At send time: every clinic's text to the phone is held back, another number's goes.
    const other = await text(a.clinic.id, a.nadia.phone!);
    await text(a.clinic.id, phone);
    await text(b.id, phone);
    await text(c.id, phone);
    const theirs = await text(d.clinic.id, phone);
    const sms = new KeptSms();
    expect(await dispatchDueMessages({ sms })).toMatchObject({ sent: 2, suppressed: 3 });
    expect(sms.sent.map((m) => m.idempotencyKey).sort()).toEqual([other, theirs].sort());
  });

  it('START (SignatureVersion 1, SHA1) lifts it everywhere: care texts again, marketing stays no', async () => {
    expect((await post(reply(phone, 'STOP', { version: '1' }))).status).toBe(200);
    expect((await post(reply(phone, 'start', { version: '1' }))).status).toBe(200);

    const db = getDb();
    for (const clinic of [a.clinic.id, b.id, c.id]) expect(await suppressionOf(db, clinic, 'sms', phone)).toBeNull();
    expect(await mayContact(db, a.clinic.id, a.maria.id, 'sms', 'care')).toMatchObject({ ok: true });
    expect(await mayContact(db, b.id, b.patient.id, 'sms', 'care')).toMatchObject({ ok: true });
    expect(await mayContact(db, b.id, b.patient.id, 'sms', 'marketing')).toEqual({ ok: false, reason: 'no-consent' });
    const keys = [await text(a.clinic.id, phone), await text(c.id, phone)];
    const sms = new KeptSms();
    expect(await dispatchDueMessages({ sms })).toEqual({ sent: 2, retried: 0, dead: 0 });
    expect(sms.sent.map((m) => m.idempotencyKey).sort()).toEqual(keys.sort());
  });

  it('HELP, an ordinary reply and a notification that is not a text change nothing (200, so SNS does not retry)', async () => {
    const before = await snapshot();
    expect((await post(reply(phone, 'HELP'))).status).toBe(200);
    expect((await post(reply(phone, 'Stop by at 3?'))).status).toBe(200);
    expect((await post(sns.deliver('Notification', { TopicArn: TOPIC, Message: 'a test message from the console', Subject: 'Test' }))).status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });
});

describe('replays', () => {
  it('the same STOP delivered again, twice at once, changes nothing more', async () => {
    const body = reply(phone, 'STOP');
    expect((await post(body)).status).toBe(200);
    const once = await snapshot();
    const again = await Promise.all([post(body), post(body)]);
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    expect(await snapshot()).toEqual(once);
  });

  it('a genuine delivery older than SNS retries (an old STOP captured and replayed after START) is refused', async () => {
    const old = reply(phone, 'STOP', { timestamp: new Date(Date.now() - 3 * 3600_000) });
    const before = await snapshot();
    const response = await post(old);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'bad request' });
    expect(await snapshot()).toEqual(before);
    // A delivery from the future (a forged clock) too.
    expect((await post(reply(phone, 'STOP', { timestamp: new Date(Date.now() + 3600_000) }))).status).toBe(400);
  });
});

describe('refusals (400, no detail, nothing changed)', () => {
  async function refused(body: string): Promise<void> {
    const before = await snapshot();
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'bad request' });
    expect(await snapshot()).toEqual(before);
  }

  it('a bad signature: another key, an edited message, a changed field, an unknown version, garbage', async () => {
    const stranger = createSelfSignedCertificate();
    await refused(reply(phone, 'STOP', { key: stranger.privateKey }));
    const genuine = JSON.parse(reply(phone, 'START')) as Record<string, string>;
    await refused(JSON.stringify({ ...genuine, Message: inboundSmsMessage(phone, 'STOP') }));
    await refused(JSON.stringify({ ...genuine, Timestamp: new Date(Date.now() - 1000).toISOString() }));
    await refused(JSON.stringify({ ...genuine, SignatureVersion: '3' }));
    await refused(JSON.stringify({ ...genuine, Signature: 'AAAA' }));
    await refused(JSON.stringify({ ...genuine, Subject: 'added' }));
    await refused('not json');
    await refused('[]');
    // The signature checks ran against the real certificate (fetched once, then cached).
    expect(sns.requests).toEqual([`/${sns.certificateName}`]);
  });

  it.each([
    ['plain http', `http://${SNS_HOST}/NAME`],
    ['a look-alike host', `https://${SNS_HOST}.attacker.test/NAME`],
    ['another host', 'https://attacker.test/NAME'],
    ["another region than the topic's", 'https://sns.us-west-2.amazonaws.com/NAME'],
    ['a port', `https://${SNS_HOST}:8443/NAME`],
    ['credentials', `https://user@${SNS_HOST}/NAME`],
    ['a query', `https://${SNS_HOST}/NAME?x=1`],
    ['a path that is not a certificate', `https://${SNS_HOST}/?Action=ConfirmSubscription`],
  ])('a SigningCertURL off SNS for the topic (%s) is refused and never fetched', async (_label, url) => {
    // Correctly signed with the real key: only the certificate's address is wrong.
    await refused(reply(phone, 'STOP', { overrides: { SigningCertURL: url.replace('NAME', sns.certificateName) } }));
    expect(sns.requests).toEqual([]);
  });

  it('a message for another topic, even signed correctly, is refused and never fetched', async () => {
    await refused(reply(phone, 'STOP', { topic: 'arn:aws:sns:us-east-1:123456789012:someone-else' }));
    await refused(reply(phone, 'STOP', { topic: 'arn:aws:sns:us-east-1:999999999999:carebridge-inbound-sms' }));
    const other = 'arn:aws:sns:us-east-1:123456789012:someone-else';
    await refused(sns.deliver('SubscriptionConfirmation', {
      TopicArn: other, Message: 'You have chosen to subscribe…', Token: 'tok',
      SubscribeURL: `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${other}&Token=tok`,
    }));
    expect(sns.requests).toEqual([]);
  });
});

describe('subscription and availability', () => {
  function confirmation(type: SnsType, subscribeUrl: string): string {
    return sns.deliver(type, { TopicArn: TOPIC, Message: `You have chosen to subscribe to the topic ${TOPIC}.`, Token: 'token-123', SubscribeURL: subscribeUrl });
  }
  const subscribeUrl = `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=token-123`;

  it('confirms the subscription to our topic by opening its link', async () => {
    const response = await post(confirmation('SubscriptionConfirmation', subscribeUrl), 'SubscriptionConfirmation');
    expect(response.status).toBe(200);
    expect(sns.requests).toEqual([`/${sns.certificateName}`, `/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=token-123`]);
  });

  it('does not open a confirmation link off SNS or for another topic', async () => {
    for (const url of [`https://attacker.test/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=t`, `https://${SNS_HOST}/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:other&Token=t`]) {
      expect((await post(confirmation('SubscriptionConfirmation', url), 'SubscriptionConfirmation')).status).toBe(400);
    }
    expect(sns.requests).toEqual([]);
  });

  it('takes note of an unsubscription without opening anything', async () => {
    expect((await post(confirmation('UnsubscribeConfirmation', subscribeUrl), 'UnsubscribeConfirmation')).status).toBe(200);
    expect(sns.requests).toEqual([`/${sns.certificateName}`]);
  });

  it('answers 503 while the certificate cannot be had, and does not keep the failure', async () => {
    sns.certificateStatus = 503;
    const body = reply(phone, 'STOP');
    expect((await post(body)).status).toBe(503);
    expect(await suppressionOf(getDb(), a.clinic.id, 'sms', phone)).toBeNull();
    sns.certificateStatus = 200;
    // SNS's retry of the same delivery goes through.
    expect((await post(body)).status).toBe(200);
    expect(await suppressionOf(getDb(), a.clinic.id, 'sms', phone)).toBe('stopped');
  });

  it('is off (404) without SMS_INBOUND_TOPIC_ARN', async () => {
    vi.stubEnv('SMS_INBOUND_TOPIC_ARN', '');
    const response = await post(reply(phone, 'STOP'));
    expect(response.status).toBe(404);
    expect(sns.requests).toEqual([]);
  });
});
