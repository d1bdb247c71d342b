import 'server-only';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { now } from '@/lib/clock';

/**
 * Resend's delivery webhooks (issue 18, point 8), read and verified. Resend signs each delivery
 * the Svix way: headers svix-id (the event's id, the same for every retry), svix-timestamp and
 * svix-signature (HMAC-SHA256 of `id.timestamp.body` under the endpoint's `whsec_` secret).
 * standardwebhooks checks it (the library resend's own `webhooks.verify` calls) and refuses a
 * timestamp more than 5 minutes off either way, so a captured delivery cannot be replayed later.
 *
 * Only what Carebridge acts on is kept, and only the fields it needs: never the addresses, the
 * subject, a clicked link or the reader's IP and browser that Resend sends along.
 */

export const EMAIL_EVENT_TYPES = {
  'email.delivered': 'delivered',
  'email.opened': 'opened',
  'email.clicked': 'clicked',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
} as const;
export type EmailEventType = (typeof EMAIL_EVENT_TYPES)[keyof typeof EMAIL_EVENT_TYPES];

export interface EmailProviderEvent {
  provider: 'resend';
  /** The delivery's svix-id: a retry of the same event carries the same one. */
  eventId: string;
  type: EmailEventType;
  /** The email's id at Resend: outbox_messages.provider_message_id. */
  providerMessageId: string;
  occurredAt: Date;
  /** A bounce Resend calls Permanent (a hard bounce: the address takes no mail). */
  permanentBounce: boolean;
  /** What is stored: the event's type and time, and a bounce's kind. */
  payload: Record<string, unknown>;
}

export type ResendWebhook =
  /** Not a genuine delivery from Resend for this endpoint (or not one any more): refuse. */
  | { ok: false }
  /** Genuine; `event` is null for what Carebridge does not act on (email.sent, contact.*, …). */
  | { ok: true; event: EmailProviderEvent | null };

const payloadSchema = z.object({
  type: z.string(),
  created_at: z.string().optional(),
  data: z.object({
    email_id: z.string().min(1).max(255),
    bounce: z.object({ type: z.string().max(64).optional(), subType: z.string().max(64).optional() }).optional(),
  }).optional(),
});

const MAX_EVENT_ID_LENGTH = 255;

/**
 * Verifies a delivery against the endpoint's secret and reads it. Throws only when the secret
 * itself is unusable (a configuration error, not the sender's).
 */
export function readResendWebhook(raw: string, headers: Headers, secret: string): ResendWebhook {
  const verifier = new Webhook(secret);
  const id = headers.get('svix-id');
  const timestamp = headers.get('svix-timestamp');
  const signature = headers.get('svix-signature');
  if (!id || !timestamp || !signature || id.length > MAX_EVENT_ID_LENGTH) return { ok: false };
  let body: unknown;
  try {
    body = verifier.verify(raw, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
  } catch (error) {
    // A bad signature or time, or a signed body that is not JSON: the same answer for each.
    if (error instanceof WebhookVerificationError || error instanceof SyntaxError) return { ok: false };
    throw error;
  }
  const parsed = payloadSchema.safeParse(body);
  if (!parsed.success) return { ok: true, event: null };
  const { type, created_at: createdAt, data } = parsed.data;
  const kind = Object.hasOwn(EMAIL_EVENT_TYPES, type) ? EMAIL_EVENT_TYPES[type as keyof typeof EMAIL_EVENT_TYPES] : null;
  if (!kind || !data) return { ok: true, event: null };
  const occurred = createdAt ? new Date(createdAt) : null;
  const payload: Record<string, unknown> = { type, created_at: createdAt ?? null };
  if (kind === 'bounced') payload.bounce = { type: data.bounce?.type ?? null, subType: data.bounce?.subType ?? null };
  return {
    ok: true,
    event: {
      provider: 'resend',
      eventId: id,
      type: kind,
      providerMessageId: data.email_id,
      occurredAt: occurred && !Number.isNaN(occurred.getTime()) ? occurred : now(),
      permanentBounce: kind === 'bounced' && data.bounce?.type === 'Permanent',
      payload,
    },
  };
}
