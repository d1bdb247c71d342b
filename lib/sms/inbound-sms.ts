import 'server-only';
import { z } from 'zod';

/**
 * A text a person sent to the platform's number, as AWS End User Messaging SMS publishes it to
 * the two-way SNS topic (the Notification's Message is this JSON: originationNumber,
 * destinationNumber, messageKeyword, messageBody, inboundMessageId, previousPublishedMessageId).
 * Only what the keyword handling needs is kept; the words are never logged or stored.
 */
export interface InboundSms {
  /** The sender's phone (E.164 as AWS sends it). */
  from: string;
  /** The platform's number it was sent to. */
  to: string | null;
  body: string;
  /** AWS's id of the incoming text. */
  inboundMessageId: string | null;
}

const payloadSchema = z.object({
  originationNumber: z.string().min(1).max(32),
  destinationNumber: z.string().max(32).optional(),
  // A long reply arrives as one message of several segments; a keyword is never this long.
  messageBody: z.string().max(10_000),
  inboundMessageId: z.string().max(200).optional(),
});

/** The text in an SNS Notification's Message, or null when the Message is not an inbound SMS. */
export function readInboundSms(message: string): InboundSms | null {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return null;
  const p = parsed.data;
  return { from: p.originationNumber, to: p.destinationNumber ?? null, body: p.messageBody, inboundMessageId: p.inboundMessageId ?? null };
}
