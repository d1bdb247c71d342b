import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { conversations, tenantSettings } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import { assignPatient, listPatientAssignments, unassignPatient } from '@/lib/conversations/assignments';
import { readAttachment } from '@/lib/conversations/attachments';
import { deleteOwnMessage } from '@/lib/conversations/delete';
import { openPortalThread, replyAsPatient, startPortalConversation } from '@/lib/conversations/portal';
import { closeConversation, listAssignableStaff, openStaffThread, replyAsStaff, startStaffConversation } from '@/lib/conversations/staff';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { EXE_BYTES, HTML_BYTES, JPEG_BYTES, PNG_BYTES, pdfOfSize } from '../support/document-files';
import { addAccount, addPatient, attachmentsOf, auditActions, file, household, messagesOf, messagingClinic, pdf, useTempStore } from './conversations-fixtures';

let temp: Awaited<ReturnType<typeof useTempStore>>;
beforeAll(async () => { temp = await useTempStore(); });
afterAll(async () => { await temp.dispose(); });
afterEach(() => {
  setClockForTests(undefined);
  setObjectStoreForTests(temp.store);
});

async function started(policy: 'reply_only' | 'all_clients' = 'all_clients') {
  const setup = await messagingClinic(policy);
  const family = await household(setup.clinic);
  const result = await startStaffConversation(getDb(), setup.support, { patientId: family.maria.id, subject: 'Forms', body: 'Please see attached' });
  if (!result.ok) throw new Error(result.message);
  return { ...setup, ...family, conversationId: result.conversationId };
}

const stored = async () => (await temp.files()).length;

describe('attachments are checked like documents', () => {
  it('stores sniffed PDF, JPEG and PNG files with their hash and shows them in the thread', async () => {
    const { clinic, support, asMaria, conversationId } = await started();
    const before = await stored();
    const result = await replyAsPatient(getDb(), asMaria, conversationId, {
      body: 'Here are the forms',
      files: [pdf('form.pdf'), file(JPEG_BYTES, 'photo.jpg', 'image/jpeg'), file(PNG_BYTES, 'scan.pdf', 'application/pdf')],
    });
    expect(result.ok).toBe(true);
    expect(await stored()).toBe(before + 3);
    const rows = await attachmentsOf(clinic.id);
    expect(rows.map((r) => r.contentType).sort()).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
    const png = rows.find((r) => r.contentType === 'image/png')!;
    const bytes = await readFile(path.join(temp.dir, png.storageKey));
    expect(png.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const view = await openStaffThread(getDb(), support, conversationId);
    expect(view.messages[1]!.attachments.map((a) => a.name).sort()).toEqual(['form.pdf', 'photo.jpg', 'scan.pdf']);
    // The download name follows the real type.
    const download = await readAttachment(getDb(), support, png.id);
    expect(download).toMatchObject({ filename: 'scan.png', contentType: 'image/png', storageKey: png.storageKey });
    const mine = await readAttachment(getDb(), asMaria, png.id);
    expect(mine.id).toBe(png.id);
    expect((await auditActions(clinic.id)).filter((a) => a.action === 'message.attachment_read')).toHaveLength(2);
  });

  it('a message may be only files', async () => {
    const { asMaria, conversationId } = await started();
    expect((await replyAsPatient(getDb(), asMaria, conversationId, { body: '', files: [pdf()] })).ok).toBe(true);
  });

  it.each([
    ['HTML called .pdf', () => [file(HTML_BYTES, 'results.pdf')], 'unsupported_type'],
    ['an executable called .png', () => [file(EXE_BYTES, 'photo.png', 'image/png')], 'unsupported_type'],
    ['an empty file', () => [file(new Uint8Array(0), 'empty.pdf')], 'empty'],
    ['a file over the clinic limit', () => [file(pdfOfSize(3000), 'big.pdf')], 'too_large'],
    ['six files', () => Array.from({ length: 6 }, (_, i) => pdf(`f${i}.pdf`)), 'too_many'],
    ['a good file next to a bad one', () => [pdf('ok.pdf'), file(HTML_BYTES, 'bad.pdf')], 'unsupported_type'],
  ])('refuses %s: nothing is stored or visible', async (_label, files, reason) => {
    const { clinic, support, asMaria, conversationId } = await started();
    await getDb().update(tenantSettings).set({ maxUploadBytes: 2000 }).where(eq(tenantSettings.tenantId, clinic.id));
    const before = await stored();
    const messagesBefore = (await messagesOf(clinic.id, conversationId)).length;
    expect(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'x', files: files() })).toMatchObject({ ok: false, error: 'file', reason });
    expect(await replyAsStaff(getDb(), support, conversationId, { body: 'x', files: files() })).toMatchObject({ ok: false, error: 'file', reason });
    expect(await stored()).toBe(before);
    expect(await attachmentsOf(clinic.id)).toEqual([]);
    expect(await messagesOf(clinic.id, conversationId)).toHaveLength(messagesBefore);
  });

  it('a refused new conversation leaves no conversation behind', async () => {
    const { clinic, asMaria } = await started();
    const before = (await getDb().select().from(conversations).where(eq(conversations.tenantId, clinic.id))).length;
    expect(await startPortalConversation(getDb(), asMaria, { subject: 's', body: 'b', files: [file(HTML_BYTES, 'x.pdf')] })).toMatchObject({ ok: false, error: 'file' });
    expect(await getDb().select().from(conversations).where(eq(conversations.tenantId, clinic.id))).toHaveLength(before);
  });

  it('an empty file input (no file chosen) is ignored', async () => {
    const { asMaria, conversationId } = await started();
    const none = new File([], '', { type: 'application/octet-stream' });
    expect((await replyAsPatient(getDb(), asMaria, conversationId, { body: 'text only', files: [none] })).ok).toBe(true);
    // The same entry after a server action decoded the form: the missing name became 'undefined'.
    const decoded = new File([], undefined as unknown as string, { type: 'application/octet-stream' });
    expect(decoded.name).toBe('undefined');
    expect((await replyAsPatient(getDb(), asMaria, conversationId, { body: 'text only', files: [decoded] })).ok).toBe(true);
  });

  it('when storage fails, nothing is inserted and stored parts are removed', async () => {
    const { clinic, asMaria, conversationId } = await started();
    let puts = 0;
    const failing = new LocalObjectStore(temp.dir);
    const put = failing.put.bind(failing);
    failing.put = async (...args) => {
      if (++puts === 2) throw new Error('storage down');
      return put(...args);
    };
    setObjectStoreForTests(failing);
    const before = await stored();
    const messagesBefore = (await messagesOf(clinic.id, conversationId)).length;
    await expect(replyAsPatient(getDb(), asMaria, conversationId, { body: 'x', files: [pdf('a.pdf'), pdf('b.pdf')] })).rejects.toThrow('storage down');
    expect(await stored()).toBe(before);
    expect(await messagesOf(clinic.id, conversationId)).toHaveLength(messagesBefore);
    expect(await attachmentsOf(clinic.id)).toEqual([]);
  });

  it('when the database part is refused, the stored files are removed', async () => {
    const { clinic, support, asMaria, conversationId } = await started();
    const before = await stored();
    // Loaded as open, closed before the message's transaction takes the lock.
    const failing = new LocalObjectStore(temp.dir);
    const put = failing.put.bind(failing);
    failing.put = async (...args) => {
      await put(...args);
      await closeConversation(getDb(), support, conversationId);
    };
    setObjectStoreForTests(failing);
    expect(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'x', files: [pdf()] })).toMatchObject({ ok: false, error: 'closed' });
    expect(await stored()).toBe(before);
    expect(await attachmentsOf(clinic.id)).toEqual([]);
  });
});

describe('reading attachments', () => {
  it('is refused (not found) across patients, clinics, after deletion and without permission', async () => {
    const { clinic, support, marketing, asMaria, asLeosParent, conversationId } = await started();
    const sent = await replyAsStaff(getDb(), support, conversationId, { body: 'See file', files: [pdf('letter.pdf')] });
    if (!sent.ok) throw new Error(sent.message);
    const [attachment] = await attachmentsOf(clinic.id);
    expect((await readAttachment(getDb(), asMaria, attachment!.id)).filename).toBe('letter.pdf');
    const robert = await addPatient(clinic, 'Robert');
    const { actorFor } = await addAccount(clinic, 'Robert Chen', [{ patientId: robert.id, relationship: 'self' }]);
    const other = await messagingClinic();
    const notLinked = (await addAccount(clinic, 'Aunt Rosa', [])).actorFor(asMaria.patient.id);
    for (const actor of [asLeosParent, actorFor(robert.id), notLinked, other.admin, { ...asMaria, tenant: { ...asMaria.tenant, id: other.clinic.id } }]) {
      await expect(readAttachment(getDb(), actor, attachment!.id)).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(readAttachment(getDb(), marketing, attachment!.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(readAttachment(getDb(), support, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    expect((await deleteOwnMessage(getDb(), support, sent.messageId)).ok).toBe(true);
    await expect(readAttachment(getDb(), asMaria, attachment!.id)).rejects.toBeInstanceOf(NotFoundError);
    const view = await openPortalThread(getDb(), asMaria, conversationId);
    expect(view.messages.find((m) => m.id === sent.messageId)).toMatchObject({ deleted: true, body: null, attachments: [] });
  });
});

describe('patient assignments', () => {
  it('patients.edit holders assign and unassign active messaging staff; audited', async () => {
    const { clinic, support, admin, marketing } = await messagingClinic('assigned_only');
    const maria = await addPatient(clinic);
    await expect(assignPatient(getDb(), support, maria.id, support.actor.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(assignPatient(getDb(), admin, maria.id, marketing.actor.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await assignPatient(getDb(), admin, maria.id, support.actor.id)).ok).toBe(true);
    expect((await assignPatient(getDb(), admin, maria.id, support.actor.id)).ok).toBe(true);
    expect((await listPatientAssignments(getDb(), support, maria.id)).map((a) => a.staffId)).toEqual([support.actor.id]);
    expect((await listAssignableStaff(getDb(), admin)).map((s) => s.id).sort()).toEqual([support.actor.id, admin.actor.id].sort());
    expect((await unassignPatient(getDb(), admin, maria.id, support.actor.id)).ok).toBe(true);
    expect(await listPatientAssignments(getDb(), admin, maria.id)).toEqual([]);
    const actions = (await auditActions(clinic.id)).map((a) => a.action);
    expect(actions.filter((a) => a === 'patient.assigned')).toHaveLength(1);
    expect(actions.filter((a) => a === 'patient.unassigned')).toHaveLength(1);
  });
});
