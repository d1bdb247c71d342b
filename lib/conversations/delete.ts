import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationMessages } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { isStaff, loadConversation, type MessagingActor } from './access';
import { MessagingAuditActions } from './audit-actions';
import { mayDeleteMessage } from './policy';
import { refusal } from './send';
import type { Result } from './types';

/**
 * The author takes a message back within five minutes: a soft delete (the row, its time and its
 * attachments stay for the clinic's record), audited. Everyone then sees "Message deleted".
 */
export async function deleteOwnMessage(db: Executor, actor: MessagingActor, messageId: string): Promise<Result> {
  if (!isUuid(messageId)) throw new NotFoundError('message');
  const tenantId = actor.tenant.id;
  return db.transaction(async (tx) => {
    const [message] = await tx
      .select()
      .from(conversationMessages)
      .where(and(eq(conversationMessages.tenantId, tenantId), eq(conversationMessages.id, messageId)))
      .for('update');
    if (!message) throw new NotFoundError('message');
    // Visibility first: someone who cannot see the conversation learns nothing about the message.
    const { conversation } = await loadConversation(tx, actor, message.conversationId, { permission: 'messages.send' });
    const isAuthor = isStaff(actor)
      ? message.senderKind === 'staff' && message.senderStaffId === actor.actor.id
      : message.senderKind === 'patient' && message.senderAccountId === actor.account.id;
    const decision = mayDeleteMessage(message, isAuthor, now());
    if (!decision.ok) {
      return decision.reason === 'not-author'
        ? refusal('not-author', 'Only the author can delete a message.')
        : refusal('too-late', 'Messages can only be deleted within 5 minutes of sending.');
    }
    await tx
      .update(conversationMessages)
      .set({ deletedAt: now() })
      .where(and(eq(conversationMessages.tenantId, tenantId), eq(conversationMessages.id, messageId), isNull(conversationMessages.deletedAt)));
    await recordAudit(tx, actor, {
      action: MessagingAuditActions.messageDeleted,
      patientId: conversation.patientId, target: { type: 'conversation_message', id: messageId },
      details: { conversationId: conversation.id },
    });
    return { ok: true as const };
  });
}
