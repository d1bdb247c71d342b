import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutboxEmailSender } from '@/lib/email/outbox-sender';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import { EmailDeliveryError } from '@/lib/email/types';
import { listDevOutbox } from '@/lib/messaging/dev-outbox';
import { OutboxSmsSender } from '@/lib/sms/outbox-sender';
import { SnsSmsSender } from '@/lib/sms/sns-sender';
import { SmsDeliveryError } from '@/lib/sms/types';

/**
 * The SNS and Resend adapters talk to a local HTTP server standing in for the provider, so the
 * assertions are about the real request the SDKs put on the wire.
 */

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = (res: ServerResponse) => void;

/** A provider stand-in: records each request and answers with `answer` (never, when it is 'hang'). */
class FakeProvider {
  readonly received: Received[] = [];
  answer: Answer | 'hang' = (res) => res.end();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (this.answer !== 'hang') this.answer(res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.received.length = 0;
    // Drops requests left hanging by a timeout test.
    this.server.closeAllConnections();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function reply(status: number, contentType: string, body: string): Answer {
  return (res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };
}

const CODE_SMS = 'Your Carebridge sign-in code is 482913';
const PHONE = '+15555550101';

describe('SNS SMS sender', () => {
  const provider = new FakeProvider();
  let endpoint: string;
  const sender = (timeoutMs = 5_000) =>
    new SnsSmsSender({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      timeoutMs,
      senderId: 'Carebridge',
    });

  beforeAll(async () => {
    endpoint = await provider.start();
  });
  afterEach(() => provider.reset());
  afterAll(() => provider.stop());

  it('publishes a signed, transactional SMS and returns the MessageId', async () => {
    provider.answer = reply(200, 'text/xml', `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
      <PublishResult><MessageId>sns-msg-0001</MessageId></PublishResult>
      <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
    </PublishResponse>`);

    const result = await sender().send({ to: PHONE, body: CODE_SMS, idempotencyKey: 'k-1' });

    expect(result).toEqual({ providerMessageId: 'sns-msg-0001' });
    expect(provider.received).toHaveLength(1);
    const request = provider.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/sns\//);
    const form = new URLSearchParams(request.body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('PhoneNumber')).toBe(PHONE);
    expect(form.get('Message')).toBe(CODE_SMS);
    expect(attribute(form, 'AWS.SNS.SMS.SMSType')).toEqual({ DataType: 'String', StringValue: 'Transactional' });
    expect(attribute(form, 'AWS.SNS.SMS.SenderID')).toEqual({ DataType: 'String', StringValue: 'Carebridge' });
  });

  it('turns a server error into a retryable SmsDeliveryError, once', async () => {
    provider.answer = reply(500, 'text/xml', snsError('Receiver', 'InternalError', 'Internal failure'));
    const error = await sender().send({ to: PHONE, body: CODE_SMS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect(error).toMatchObject({ retryable: true });
    // No SDK retries: SNS cannot deduplicate, and a second attempt could text the code twice.
    expect(provider.received).toHaveLength(1);
  });

  it('does not retry or repeat the number or the code when SNS rejects the request', async () => {
    provider.answer = reply(400, 'text/xml', snsError('Sender', 'InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${PHONE} is opted out`));
    const error = await sender().send({ to: PHONE, body: CODE_SMS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsDeliveryError);
    const { message, retryable } = error as SmsDeliveryError;
    expect(retryable).toBe(false);
    expect(message).toContain('InvalidParameter');
    expect(message).not.toContain('5555550101');
    expect(message).not.toContain('482913');
  });

  it('gives up on a provider that does not answer, and marks the outcome unknown (the text may have gone out)', async () => {
    provider.answer = 'hang';
    const started = Date.now();
    const error = await sender(300).send({ to: PHONE, body: CODE_SMS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsDeliveryError);
    expect(error).toMatchObject({ retryable: false, outcomeUnknown: true, message: expect.stringContaining('300 ms') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a number that is not E.164 without calling SNS', async () => {
    const error = await sender().send({ to: '555-0101', body: CODE_SMS }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SmsDeliveryError', retryable: false });
    expect(provider.received).toHaveLength(0);
  });
});

describe('Resend email sender', () => {
  const provider = new FakeProvider();
  let baseUrl: string;
  const sender = (timeoutMs = 5_000) =>
    new ResendEmailSender({ apiKey: 're_test_key', from: 'Carebridge <no-reply@example.com>', baseUrl, timeoutMs });
  const message = {
    to: 'maria.lopez@sunrise.test',
    subject: 'Your invitation',
    text: 'Open the link to set your password.',
    html: '<p>Open the link to set your password.</p>',
    attachments: [{ filename: 'note.txt', content: Buffer.from('hello').toString('base64'), contentType: 'text/plain' }],
    idempotencyKey: 'invite-42',
  };

  beforeAll(async () => {
    baseUrl = await provider.start();
  });
  afterEach(() => provider.reset());
  afterAll(() => provider.stop());

  it('posts the email with the API key and idempotency key, and returns the id', async () => {
    provider.answer = reply(200, 'application/json', JSON.stringify({ id: 'email-0001' }));

    const result = await sender().send(message);

    expect(result).toEqual({ providerMessageId: 'email-0001' });
    const request = provider.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/emails');
    expect(request.headers.authorization).toBe('Bearer re_test_key');
    expect(request.headers['idempotency-key']).toBe('invite-42');
    expect(JSON.parse(request.body)).toMatchObject({
      from: 'Carebridge <no-reply@example.com>',
      to: 'maria.lopez@sunrise.test',
      subject: 'Your invitation',
      text: 'Open the link to set your password.',
      html: '<p>Open the link to set your password.</p>',
      attachments: [{ filename: 'note.txt', content: 'aGVsbG8=', content_type: 'text/plain' }],
    });
  });

  it("sends as the clinic: its name is the From's display name, on the configured address", async () => {
    provider.answer = reply(200, 'application/json', JSON.stringify({ id: 'email-0002' }));
    await sender().send({ ...message, fromName: 'Sunrise "Family", Clinic' });
    expect(JSON.parse(provider.received[0]!.body)).toMatchObject({ from: '"Sunrise \\"Family\\", Clinic" <no-reply@example.com>' });
  });

  it('turns a server error into a retryable EmailDeliveryError', async () => {
    provider.answer = reply(500, 'application/json', JSON.stringify({ statusCode: 500, name: 'internal_server_error', message: 'boom' }));
    const error = await sender().send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('does not retry a rejected email, and keeps the address out of the error', async () => {
    provider.answer = reply(422, 'application/json', JSON.stringify({
      statusCode: 422, name: 'validation_error', message: 'Invalid `to` field: maria.lopez@sunrise.test',
    }));
    const error = await sender().send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).not.toContain('maria.lopez');
  });

  it('gives up on a provider that does not answer', async () => {
    provider.answer = 'hang';
    const error = await sender(300).send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining('300 ms') });
  });
});

describe('outbox senders', () => {
  it('store messages that the dev outbox lists newest first', async () => {
    const sms = await new OutboxSmsSender().send({ to: PHONE, body: CODE_SMS, idempotencyKey: 'sms-1' });
    const email = await new OutboxEmailSender().send({
      to: 'maria.lopez@sunrise.test', subject: 'Welcome', text: 'Hello Maria', html: '<p>Hello Maria</p>',
    });

    const listed = await listDevOutbox(100);
    expect(listed.map((m) => m.id)).toEqual([email.providerMessageId, sms.providerMessageId]);
    expect(listed[0]).toMatchObject({ channel: 'email', recipient: 'maria.lopez@sunrise.test', subject: 'Welcome', body: 'Hello Maria' });
    expect(listed[1]).toMatchObject({ channel: 'sms', recipient: PHONE, subject: null, body: CODE_SMS });
    expect(listed[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(listed[1]!.createdAt.getTime());
    expect(await listDevOutbox(1)).toHaveLength(1);
  });
});

/** Reads one SNS message attribute from a query-protocol form (MessageAttributes.entry.N.*). */
function attribute(form: URLSearchParams, name: string) {
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    if (form.get(`MessageAttributes.entry.${n}.Name`) !== name) continue;
    return {
      DataType: form.get(`MessageAttributes.entry.${n}.Value.DataType`),
      StringValue: form.get(`MessageAttributes.entry.${n}.Value.StringValue`),
    };
  }
  return undefined;
}

function snsError(type: 'Sender' | 'Receiver', code: string, message: string): string {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
    <Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>
    <RequestId>req-err</RequestId>
  </ErrorResponse>`;
}
