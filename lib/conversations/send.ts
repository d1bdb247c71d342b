import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor, Transaction } from '@/db/client';
import { conversationMessages, conversations, messageAttachments } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { recordEvent } from '@/lib/engagement/events';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from '@/lib/validation/text';
import { MessagingAuditActions } from './audit-actions';
import { auditActorOf, auditClientOf, isStaff, type MessagingActor } from './access';
import { checkFiles, removeFiles, storeFiles, type PreparedFile } from './files';
import { enqueueNewMessageNotification } from './notify';
import { markRead } from './reads';
import { MAX_BODY_CHARS, MAX_SUBJECT_CHARS, type MessageFileInput, type Refusal } from './types';

/** Thrown inside a transaction to roll it back and hand the refusal to the caller. */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.error);
    this.name = 'Refused';
  }
}

export function refusal(error: Refusal['error'], message: string, extra: Partial<Pick<Refusal, 'reason' | 'field'>> = {}): Refusal {
  return { ok: false, error, message, ...extra };
}

export function checkBody(body: string, hasFiles: boolean): { ok: true; body: string } | Refusal {
  const text = (body ?? '').trim();
  if (!text && !hasFiles) return refusal('empty', 'Write a message or attach a file.', { field: 'body' });
  if (hasControlCharacters(text)) return refusal('invalid', CONTROL_CHARACTERS_MESSAGE, { field: 'body' });
  if ([...text].length > MAX_BODY_CHARS) return refusal('too-long', `A message can be at most ${MAX_BODY_CHARS} characters.`, { field: 'body' });
  return { ok: true, body: text };
}

export function checkSubject(subject: string): { ok: true; subject: string } | Refusal {
  const text = (subject ?? '').replace(/\s+/g, ' ').trim();
  if (!text) return refusal('empty', 'Enter a subject.', { field: 'subject' });
  if (hasControlCharacters(text)) return refusal('invalid', CONTROL_CHARACTERS_MESSAGE, { field: 'subject' });
  if ([...text].length > MAX_SUBJECT_CHARS) return refusal('too-long', `A subject can be at most ${MAX_SUBJECT_CHARS} characters.`, { field: 'subject' });
  return { ok: true, subject: text };
}

/**
 * Checks the files, stores their bytes, then runs `work` in one transaction. A refusal or error
 * inside rolls the rows back and removes the stored objects, so a refused message leaves nothing.
 */
export async function withStoredFiles<T>(
  db: Executor,
  scope: { tenantId: string; patientId: string },
  files: readonly MessageFileInput[] | undefined,
  work: (tx: Transaction, files: PreparedFile[]) => Promise<T>,
): Promise<T | Refusal> {
  const checked = await checkFiles(db, scope.tenantId, scope.patientId, files);
  if (!checked.ok) return checked;
  await storeFiles(checked.files);
  try {
    return await db.transaction((tx) => work(tx, checked.files));
  } catch (error) {
    await removeFiles(checked.files.map((f) => f.storageKey));
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}

/**
 * One message with its attachments, and the conversation's last-message times, in the caller's
 * transaction (which holds the conversation's row lock). A staff message also queues the
 * content-free notification to the patient; a patient's is the clinic's message.received.
 */
export async function insertMessage(
  tx: Transaction,
  actor: MessagingActor,
  input: { tenantId: string; conversationId: string; patientId: string; body: string; files: PreparedFile[]; at: Date },
): Promise<string> {
  const staff = isStaff(actor);
  const [message] = await tx
    .insert(conversationMessages)
    .values({
      tenantId: input.tenantId,
      conversationId: input.conversationId,
      senderKind: staff ? 'staff' : 'patient',
      senderStaffId: staff ? actor.actor.id : null,
      senderAccountId: staff ? null : actor.account.id,
      body: input.body,
      createdAt: input.at,
    })
    .returning({ id: conversationMessages.id });
  const messageId = message!.id;
  if (input.files.length > 0) {
    await tx.insert(messageAttachments).values(input.files.map((f) => ({
      tenantId: input.tenantId,
      id: f.id,
      messageId,
      storageKey: f.storageKey,
      originalFilename: f.originalFilename,
      contentType: f.contentType,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      createdAt: input.at,
    })));
  }
  await tx
    .update(conversations)
    .set(staff ? { lastMessageAt: input.at, lastStaffMessageAt: input.at } : { lastMessageAt: input.at, lastPatientMessageAt: input.at })
    .where(and(eq(conversations.tenantId, input.tenantId), eq(conversations.id, input.conversationId)));
  // The sender has read their own conversation up to their message.
  await markRead(tx, actor, input.tenantId, input.conversationId, input.at);
  await recordAudit(tx, {
    tenantId: input.tenantId,
    actor: auditActorOf(actor),
    ...auditClientOf(actor),
    action: MessagingAuditActions.messageSent,
    patientId: input.patientId,
    target: { type: 'conversation_message', id: messageId },
    details: { conversationId: input.conversationId, attachmentIds: input.files.map((f) => f.id) },
  });
  if (staff) {
    await enqueueNewMessageNotification(tx, { tenantId: input.tenantId, patientId: input.patientId, messageId });
  } else {
    await recordEvent(tx, input.tenantId, {
      name: 'message.received', patientId: input.patientId, subject: { conversationId: input.conversationId, messageId }, actor: { kind: 'patient', id: actor.account.id },
    });
  }
  return messageId;
}

/** After the commit: staff messages queued a notification. */
export function afterStaffMessage(): void {
  dispatchSoon();
}
