import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/db/client';
import { campaignRecipients, emailProviderEvents, outboxMessages, type SuppressionReason } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { EngagementAuditActions } from '../audit-actions';
import { suppress } from '../suppressions';
import type { EmailProviderEvent } from './resend-webhook';

/**
 * What the email provider reported about the clinics' emails (issue 18, point 8), recorded once
 * and applied in one transaction: the event's row (unique per provider and event id) and its
 * effects commit together, so a repeat delivery, or two at once, finds the row and changes
 * nothing, and a failure leaves nothing behind for the provider's retry.
 *
 * The email is found by the provider's id on its outbox row (indexed); through the row come its
 * clinic, its address and the campaign recipient it was sent to:
 * - delivered: the recipient is 'delivered' (from 'sent'), with the time;
 * - opened / clicked: the first open or click is kept (a click counts as an open as well);
 * - bounced, when permanent: the address goes on the clinic's suppression list ('bounced') and
 *   the recipient, not delivered, is 'failed'; a temporary bounce changes nothing;
 * - complained (marked as spam): the address goes on the list ('complained').
 * A suppression stops every later email to the address from that clinic at send time. An event
 * about an email no outbox row names (sent by something else) is recorded and has no effect.
 */

export interface RecordedEmailEvent {
  /** False: this event was recorded before (a repeat), nothing changed. */
  recorded: boolean;
  /** Outbox messages the event was about (0 or 1 in practice). */
  messages: number;
}

export async function recordEmailProviderEvent(db: Database, event: EmailProviderEvent): Promise<RecordedEmailEvent> {
  return db.transaction(async (tx) => {
    const at = now();
    const [row] = await tx
      .insert(emailProviderEvents)
      .values({
        provider: event.provider, providerEventId: event.eventId, type: event.type, providerMessageId: event.providerMessageId,
        payload: event.payload, receivedAt: at, processedAt: at,
      })
      // A concurrent insert of the same event waits for this one and then does nothing.
      .onConflictDoNothing({ target: [emailProviderEvents.provider, emailProviderEvents.providerEventId] })
      .returning({ id: emailProviderEvents.id });
    if (!row) return { recorded: false, messages: 0 };
    const messages = await tx
      .select({ tenantId: outboxMessages.tenantId, id: outboxMessages.id, recipient: outboxMessages.recipient, patientId: outboxMessages.patientId })
      .from(outboxMessages)
      .where(and(eq(outboxMessages.providerMessageId, event.providerMessageId), eq(outboxMessages.channel, 'email')));
    for (const message of messages) await applyToMessage(tx, event, message);
    return { recorded: true, messages: messages.length };
  });
}

interface SentEmail {
  tenantId: string;
  id: string;
  recipient: string;
  patientId: string | null;
}

async function applyToMessage(tx: Transaction, event: EmailProviderEvent, message: SentEmail): Promise<void> {
  const at = event.occurredAt;
  const recipientOf = and(eq(campaignRecipients.tenantId, message.tenantId), eq(campaignRecipients.outboxMessageId, message.id));
  switch (event.type) {
    case 'delivered':
      await tx.update(campaignRecipients).set({ status: 'delivered', deliveredAt: at }).where(and(recipientOf, eq(campaignRecipients.status, 'sent')));
      return;
    case 'opened':
      await tx.update(campaignRecipients).set({ openedAt: at }).where(and(recipientOf, isNull(campaignRecipients.openedAt)));
      return;
    case 'clicked':
      await tx
        .update(campaignRecipients)
        .set({ clickedAt: at, openedAt: sql`coalesce(${campaignRecipients.openedAt}, ${at.toISOString()}::timestamptz)` })
        .where(and(recipientOf, isNull(campaignRecipients.clickedAt)));
      return;
    case 'bounced':
      if (!event.permanentBounce) return;
      await suppressAddress(tx, message, 'bounced');
      await tx.update(campaignRecipients).set({ status: 'failed' }).where(and(recipientOf, eq(campaignRecipients.status, 'sent')));
      return;
    case 'complained':
      await suppressAddress(tx, message, 'complained');
      return;
  }
}

async function suppressAddress(tx: Transaction, message: SentEmail, reason: Extract<SuppressionReason, 'bounced' | 'complained'>): Promise<void> {
  if (!(await suppress(tx, message.tenantId, 'email', message.recipient, reason))) return;
  await recordAudit(tx, {
    tenantId: message.tenantId, actor: { kind: 'system', label: 'email provider' }, action: EngagementAuditActions.addressSuppressed,
    patientId: message.patientId, target: { type: 'outbox_message', id: message.id },
    details: { channel: 'email', reason },
  });
}
