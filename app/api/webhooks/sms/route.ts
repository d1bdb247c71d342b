import { getDb } from '@/db/client';
import { applyInboundSmsKeyword } from '@/lib/engagement/sms-keywords';
import { errorSummary } from '@/lib/kernel/errors';
import { readInboundSms } from '@/lib/sms/inbound-sms';
import { snsTopic } from '@/lib/sms/sns-endpoint';
import { confirmSnsSubscription, readSnsMessage } from '@/lib/sms/sns-message';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };
// An SNS delivery of an inbound text is a few kilobytes; SNS's own ceiling is 256 KB.
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Replies to the clinics' texts (issue 18, point 7: SMS honours STOP), on any host. AWS End
 * User Messaging publishes each text sent to the platform's number to an SNS topic
 * (SMS_INBOUND_TOPIC_ARN) that has this URL as an HTTPS subscription; off (404) without it.
 *
 * Every delivery's SNS signature is checked (lib/sms/sns-message.ts): another topic, a
 * certificate off SNS's host, a bad signature or a delivery older than SNS retries answer 400
 * without saying why; a certificate AWS could not serve just now answers 503, so SNS retries.
 * A SubscriptionConfirmation for our topic is confirmed by opening its link. A Notification's
 * text goes to applyInboundSmsKeyword (STOP / START for every clinic that knows the phone; the
 * effect is idempotent, so SNS's repeats change nothing); a database failure answers 500 so SNS
 * delivers it again. Nothing of the text or the phone is logged.
 */
export async function POST(request: Request): Promise<Response> {
  const topicArn = process.env.SMS_INBOUND_TOPIC_ARN?.trim();
  if (!topicArn) return Response.json({ error: 'not found' }, { status: 404, headers: NO_STORE });
  if (!snsTopic(topicArn)) {
    // The environment check refuses this at start; 503 keeps SNS retrying while it is fixed.
    console.error('sms webhook: SMS_INBOUND_TOPIC_ARN is not an SNS topic ARN');
    return Response.json({ error: 'not configured' }, { status: 503, headers: NO_STORE });
  }

  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return badRequest();
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) return badRequest();

  const reading = await readSnsMessage(raw, topicArn);
  if (!reading.ok) {
    if (reading.reason !== 'unavailable') return badRequest();
    console.warn('sms webhook: the SNS signing certificate could not be fetched; SNS will retry');
    return Response.json({ error: 'try again' }, { status: 503, headers: NO_STORE });
  }
  const { message } = reading;

  if (message.type === 'SubscriptionConfirmation') {
    try {
      await confirmSnsSubscription(message);
      console.info(`sms webhook: subscription to ${message.topicArn} confirmed`);
      return received();
    } catch (error) {
      console.error(`sms webhook: subscription to ${message.topicArn} not confirmed (${errorSummary(error)})`);
      return Response.json({ error: 'not confirmed' }, { status: 503, headers: NO_STORE });
    }
  }
  if (message.type === 'UnsubscribeConfirmation') {
    // Someone removed this endpoint's subscription: replies (STOP) are no longer heard.
    console.warn(`sms webhook: this endpoint was unsubscribed from ${message.topicArn}; STOP replies will not arrive until it is subscribed again`);
    return received();
  }

  const sms = readInboundSms(message.message);
  if (!sms) {
    console.info(`sms webhook: notification ${message.messageId} is not an inbound text, ignored`);
    return received();
  }
  try {
    const outcome = await applyInboundSmsKeyword(getDb(), sms.from, sms.body);
    if (outcome.keyword === 'stop' || outcome.keyword === 'start') {
      console.info(`sms webhook: ${outcome.keyword.toUpperCase()} in ${message.messageId} applied to ${outcome.clinics} clinic(s)`);
    }
    return received();
  } catch (error) {
    console.error(`sms webhook: notification ${message.messageId} could not be applied (${errorSummary(error)})`);
    return Response.json({ error: 'not stored' }, { status: 500, headers: NO_STORE });
  }
}

function badRequest(): Response {
  return Response.json({ error: 'bad request' }, { status: 400, headers: NO_STORE });
}

function received(): Response {
  return Response.json({ received: true }, { headers: NO_STORE });
}
