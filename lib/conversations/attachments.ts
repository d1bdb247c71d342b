import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationMessages, messageAttachments } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { downloadFilename } from '@/lib/documents/file-checks';
import { isUuid } from '@/lib/kernel/ids';
import { isStaff, loadConversation, type MessagingActor } from './access';
import { MessagingAuditActions } from './audit-actions';

export interface AttachmentDownload {
  id: string;
  patientId: string;
  storageKey: string;
  /** Safe for Content-Disposition: sanitised at upload, extension matching the real type. */
  filename: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * May this person have this file? The same rules as reading the conversation (staff:
 * messages.view and, under "Assigned clients only", an assignment; portal: the session's linked
 * patient owns the conversation). A deleted message's files are gone for everyone. Anything
 * else is NotFoundError. A granted read is audited; the caller streams the bytes.
 */
export async function readAttachment(db: Executor, actor: MessagingActor, attachmentId: string, options: { disposition?: 'inline' | 'attachment' } = {}): Promise<AttachmentDownload> {
  if (!isUuid(attachmentId)) throw new NotFoundError('attachment');
  const tenantId = actor.tenant.id;
  const [row] = await db
    .select({
      id: messageAttachments.id, storageKey: messageAttachments.storageKey, originalFilename: messageAttachments.originalFilename,
      contentType: messageAttachments.contentType, sizeBytes: messageAttachments.sizeBytes,
      messageId: conversationMessages.id, conversationId: conversationMessages.conversationId,
    })
    .from(messageAttachments)
    .innerJoin(conversationMessages, and(eq(conversationMessages.tenantId, messageAttachments.tenantId), eq(conversationMessages.id, messageAttachments.messageId)))
    .where(and(eq(messageAttachments.tenantId, tenantId), eq(messageAttachments.id, attachmentId), isNull(conversationMessages.deletedAt)));
  if (!row) throw new NotFoundError('attachment');
  const { conversation } = await loadConversation(db, actor, row.conversationId);
  await recordAudit(db, actor, {
    action: MessagingAuditActions.attachmentRead,
    patientId: conversation.patientId, target: { type: 'message_attachment', id: row.id },
    details: { area: isStaff(actor) ? 'emr' : 'portal', messageId: row.messageId, conversationId: conversation.id, disposition: options.disposition ?? 'inline' },
  });
  return {
    id: row.id,
    patientId: conversation.patientId,
    storageKey: row.storageKey,
    filename: downloadFilename(row.originalFilename, row.contentType),
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
  };
}
