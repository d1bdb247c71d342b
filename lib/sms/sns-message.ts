import 'server-only';
import { verify } from 'node:crypto';
import { now } from '@/lib/clock';
import { SnsCertificateUnavailable, snsSigningKey } from './sns-certificates';
import { fetchFromSns, snsTopic, snsUrlOf, type SnsTopic } from './sns-endpoint';

/**
 * Reading an SNS HTTP(S) delivery (a Notification, or a subscription's confirmation) and proving
 * SNS sent it, as AWS's "Verifying the signatures of Amazon SNS messages" describes: the string
 * to sign is `Name\nvalue\n` for each field in byte order of the names, Subject only when
 * present — Notification: Message, MessageId, Subject, Timestamp, TopicArn, Type;
 * SubscriptionConfirmation / UnsubscribeConfirmation: Message, MessageId, SubscribeURL,
 * Timestamp, Token, TopicArn, Type — signed RSA with SHA1 (SignatureVersion 1) or SHA256 (2) by
 * the certificate at SigningCertURL, which must be https on the SNS host of the topic's region.
 *
 * Written here rather than taken from npm: `sns-validator` (AWS's) fetches the certificate with
 * no deadline and through a host pattern a test would have to loosen, and
 * `sns-payload-validator` caches whatever the certificate URL answered (an AWS error page stays
 * "the certificate" for the life of the process); neither pins the certificate's region to the
 * topic. The whole check is the few lines below, tested against the AWS field order with real
 * signatures (tests/integration/sms-inbound-webhook.int.test.ts).
 */

export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

export interface SnsMessage {
  type: SnsMessageType;
  /** SNS's id of the message; a retry of the same delivery carries the same id. */
  messageId: string;
  topicArn: string;
  /** What was published (for two-way SMS, End User Messaging's JSON). */
  message: string;
  /** When SNS accepted the message (retries keep it). */
  timestamp: Date;
  /** Confirmations only: the link that confirms the subscription. */
  subscribeUrl: URL | null;
}

/**
 * - `malformed`: not an SNS message; `topic`: another topic than ours; `certificate-url`: the
 *   certificate is not on SNS's host for the topic's region; `stale`: sent too long ago (or in
 *   the future) to be a delivery; `signature`: the signature does not verify.
 * - `unavailable`: the certificate could not be fetched just now; the caller answers 5xx so SNS
 *   delivers the message again.
 */
export type SnsRefusal = 'malformed' | 'topic' | 'certificate-url' | 'stale' | 'signature' | 'unavailable';
export type SnsReading = { ok: true; message: SnsMessage } | { ok: false; reason: SnsRefusal };

const TYPES: readonly SnsMessageType[] = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'];
const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;
const ALGORITHMS: Readonly<Record<string, string>> = { 1: 'RSA-SHA1', 2: 'RSA-SHA256' };
// SNS gives up on an HTTP(S) endpoint within 3,600 s of a message (a hard limit of its delivery
// policies); two hours leaves room for throttling and clocks. Anything older is a replay.
const MAX_AGE_MS = 2 * 60 * 60 * 1000;
const MAX_AHEAD_MS = 5 * 60 * 1000;
const CERTIFICATE_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]{1,64}\.pem$/;

type Fields = Record<string, unknown>;
const text = (fields: Fields, name: string): string | null => (typeof fields[name] === 'string' ? (fields[name] as string) : null);

/** The string SNS signed: each present field as `Name\nvalue\n`, in the type's order. */
export function snsStringToSign(fields: Fields): string | null {
  const names = fields.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const name of names) {
    const value = fields[name];
    if (value === undefined && name === 'Subject') continue;
    if (typeof value !== 'string') return null;
    out += `${name}\n${value}\n`;
  }
  return out;
}

/**
 * Reads and verifies one delivery (the raw request body) for `expectedTopicArn` only. Cheap
 * checks come first, so a message for another topic, with a foreign certificate URL or too old
 * costs no request to AWS.
 */
export async function readSnsMessage(raw: string, expectedTopicArn: string): Promise<SnsReading> {
  const topic = snsTopic(expectedTopicArn);
  if (!topic) throw new Error('readSnsMessage: the expected topic is not an SNS topic ARN');
  let fields: Fields;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refused('malformed');
    fields = parsed as Fields;
  } catch {
    return refused('malformed');
  }
  const type = text(fields, 'Type') as SnsMessageType | null;
  const signature = text(fields, 'Signature');
  const algorithm = ALGORITHMS[text(fields, 'SignatureVersion') ?? ''];
  const toSign = snsStringToSign(fields);
  const timestamp = new Date(text(fields, 'Timestamp') ?? '');
  if (!type || !TYPES.includes(type) || !signature || !algorithm || toSign === null || Number.isNaN(timestamp.getTime())) {
    return refused('malformed');
  }
  if (fields.TopicArn !== topic.arn) return refused('topic');

  const certificateUrl = snsUrlOf(topic, fields.SigningCertURL);
  if (!certificateUrl || certificateUrl.search !== '' || !CERTIFICATE_PATH.test(certificateUrl.pathname)) return refused('certificate-url');
  let subscribeUrl: URL | null = null;
  if (type !== 'Notification') {
    subscribeUrl = confirmationUrl(topic, fields.SubscribeURL);
    if (!subscribeUrl) return refused('malformed');
  }
  const age = now().getTime() - timestamp.getTime();
  if (age > MAX_AGE_MS || age < -MAX_AHEAD_MS) return refused('stale');

  try {
    const key = await snsSigningKey(certificateUrl);
    if (!verify(algorithm, Buffer.from(toSign, 'utf8'), key, Buffer.from(signature, 'base64'))) return refused('signature');
  } catch (error) {
    return refused(error instanceof SnsCertificateUnavailable ? 'unavailable' : 'signature');
  }
  return {
    ok: true,
    message: { type, messageId: text(fields, 'MessageId')!, topicArn: topic.arn, message: text(fields, 'Message')!, timestamp, subscribeUrl },
  };
}

function refused(reason: SnsRefusal): SnsReading {
  return { ok: false, reason };
}

/** A subscription link: SNS's host for the topic, ConfirmSubscription, for this topic only. */
function confirmationUrl(topic: SnsTopic, value: unknown): URL | null {
  const url = snsUrlOf(topic, value);
  if (!url || url.pathname !== '/') return null;
  const query = url.searchParams;
  return query.get('Action') === 'ConfirmSubscription' && query.get('TopicArn') === topic.arn && query.get('Token') ? url : null;
}

/**
 * Confirms the subscription a verified SubscriptionConfirmation asks about, by opening its
 * link (no AWS credentials needed). Throws when SNS does not answer 200, so the caller can
 * answer 5xx and SNS sends the confirmation again.
 */
export async function confirmSnsSubscription(message: SnsMessage): Promise<void> {
  if (message.type !== 'SubscriptionConfirmation' || !message.subscribeUrl) throw new Error('not a subscription confirmation');
  const response = await fetchFromSns(message.subscribeUrl);
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`SNS ConfirmSubscription answered HTTP ${response.status}`);
}
