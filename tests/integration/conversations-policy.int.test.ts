import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { conversationMessages, conversations, patientPortalSettings, type MessagingPolicy } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import { assignPatient, listPatientAssignments, unassignPatient } from '@/lib/conversations/assignments';
import { deleteOwnMessage } from '@/lib/conversations/delete';
import {
  listPortalConversations, openPortalThread, pollPortalThread, portalComposeState, portalUnreadCount, replyAsPatient, startPortalConversation,
} from '@/lib/conversations/portal';
import {
  assignConversation, closeConversation, listStaffConversations, openStaffThread, pollStaffThread, reopenConversation, replyAsStaff, staffUnreadCount,
  startStaffConversation,
} from '@/lib/conversations/staff';
import { addAccount, addPatient, assign, auditActions, household, messagesOf, messagingClinic, notificationsFor, useTempStore } from './conversations-fixtures';

let temp: Awaited<ReturnType<typeof useTempStore>>;
beforeAll(async () => { temp = await useTempStore(); });
afterAll(async () => { await temp.dispose(); });
afterEach(() => setClockForTests(undefined));

const NOW = new Date('2030-05-06T15:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result as Extract<T, { ok: true }>;
}

async function staffStarted(policy: MessagingPolicy) {
  const setup = await messagingClinic(policy);
  const family = await household(setup.clinic);
  if (policy === 'assigned_only') await assign(setup.clinic, family.maria.id, setup.support);
  const { conversationId } = ok(await startStaffConversation(getDb(), setup.support, { patientId: family.maria.id, subject: 'Lab follow-up', body: 'Your results are in.' }));
  return { ...setup, ...family, conversationId };
}

describe('who can start', () => {
  it.each([
    ['reply_only', 'reply_only'],
    ['never_initiate', 'never_initiate'],
  ] as const)('%s: patients cannot start, staff can', async (policy, reason) => {
    const { clinic, support } = await messagingClinic(policy);
    const { maria, asMaria } = await household(clinic);
    expect(await portalComposeState(getDb(), asMaria)).toEqual({ mayStart: false, reason });
    expect(await startPortalConversation(getDb(), asMaria, { subject: 'Hi', body: 'Question' })).toMatchObject({ ok: false, error: 'policy', reason });
    expect(await getDb().select().from(conversations).where(eq(conversations.tenantId, clinic.id))).toHaveLength(0);
    ok(await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 'Hello', body: 'From the clinic' }));
  });

  it('assigned_only: patients start only with an assigned staff member, who gets the conversation', async () => {
    const { clinic, support, admin } = await messagingClinic('assigned_only');
    const { maria, asMaria } = await household(clinic);
    expect(await portalComposeState(getDb(), asMaria)).toEqual({ mayStart: false, reason: 'no_assigned_staff' });
    expect(await startPortalConversation(getDb(), asMaria, { subject: 'Hi', body: 'Question' })).toMatchObject({ ok: false, error: 'policy', reason: 'no_assigned_staff' });
    // Staff not assigned to the patient cannot start either: the patient is not theirs to see.
    await expect(startStaffConversation(getDb(), admin, { patientId: maria.id, subject: 'x', body: 'y' })).rejects.toBeInstanceOf(NotFoundError);

    await assign(clinic, maria.id, support);
    expect(await portalComposeState(getDb(), asMaria)).toEqual({ mayStart: true });
    const { conversationId } = ok(await startPortalConversation(getDb(), asMaria, { subject: 'Rash', body: 'Question' }));
    const [row] = await getDb().select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row).toMatchObject({ assignedStaffId: support.actor.id, startedByKind: 'patient', patientId: maria.id });
  });

  it('all_clients: patients start at any time', async () => {
    const { clinic } = await messagingClinic('all_clients');
    const { asMaria } = await household(clinic);
    expect(await portalComposeState(getDb(), asMaria)).toEqual({ mayStart: true });
    ok(await startPortalConversation(getDb(), asMaria, { subject: 'Question', body: 'Hello' }));
    expect(await listPortalConversations(getDb(), asMaria)).toHaveLength(1);
  });

  it('refuses an empty subject or message and an over-long one', async () => {
    const { clinic, support } = await messagingClinic('all_clients');
    const { maria, asMaria } = await household(clinic);
    expect(await startPortalConversation(getDb(), asMaria, { subject: ' ', body: 'x' })).toMatchObject({ ok: false, error: 'empty', field: 'subject' });
    expect(await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 'x', body: '  ' })).toMatchObject({ ok: false, error: 'empty', field: 'body' });
    expect(await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 'x', body: 'a'.repeat(5001) })).toMatchObject({ ok: false, error: 'too-long' });
  });
});

describe('who can reply and see', () => {
  it.each(['reply_only', 'never_initiate', 'assigned_only', 'all_clients'] as const)('%s: the patient replies to an open conversation; staff see it', async (policy) => {
    const { admin, support, asMaria, conversationId } = await staffStarted(policy);
    ok(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Thanks!' }));
    const view = await openStaffThread(getDb(), support, conversationId);
    expect(view.messages.map((m) => [m.senderKind, m.body])).toEqual([['staff', 'Your results are in.'], ['patient', 'Thanks!']]);
    const adminList = await listStaffConversations(getDb(), admin, { filter: 'all' });
    // Under assigned_only even an admin sees only their own patients.
    expect(adminList.items.map((c) => c.id)).toEqual(policy === 'assigned_only' ? [] : [conversationId]);
    if (policy === 'assigned_only') {
      await expect(openStaffThread(getDb(), admin, conversationId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(replyAsStaff(getDb(), admin, conversationId, { body: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(closeConversation(getDb(), admin, conversationId)).rejects.toBeInstanceOf(NotFoundError);
    } else {
      ok(await replyAsStaff(getDb(), admin, conversationId, { body: 'Anything else?' }));
    }
  });

  it('staff without messages.view are forbidden; messages.send is needed to write', async () => {
    const { marketing, conversationId } = await staffStarted('reply_only');
    await expect(listStaffConversations(getDb(), marketing, { filter: 'all' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(openStaffThread(getDb(), marketing, conversationId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(replyAsStaff(getDb(), marketing, conversationId, { body: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await staffUnreadCount(getDb(), marketing)).toBe(0);
  });

  it('closed conversations take no message until staff reopen them', async () => {
    const { clinic, support, asMaria, conversationId } = await staffStarted('all_clients');
    ok(await closeConversation(getDb(), support, conversationId));
    expect(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Late' })).toMatchObject({ ok: false, error: 'closed' });
    expect(await replyAsStaff(getDb(), support, conversationId, { body: 'More' })).toEqual({ ok: false, error: 'closed', reason: 'closed', message: 'Reopen the conversation first.' });
    const view = await openPortalThread(getDb(), asMaria, conversationId);
    expect(view).toMatchObject({ mayReply: false, replyBlockedReason: 'closed', conversation: { status: 'closed', closedReason: 'staff' } });
    ok(await reopenConversation(getDb(), support, conversationId));
    ok(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Now' }));
    const actions = (await auditActions(clinic.id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['conversation.closed', 'conversation.reopened']));
  });

  it('a parent writes for the child selected in the session; the thread names the parent', async () => {
    const { clinic, support } = await messagingClinic('all_clients');
    const { leo, asMaria, asLeosParent } = await household(clinic);
    const { conversationId } = ok(await startPortalConversation(getDb(), asLeosParent, { subject: 'Leo', body: 'Leo has a fever' }));
    const [row] = await getDb().select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row!.patientId).toBe(leo.id);
    const view = await openStaffThread(getDb(), support, conversationId);
    expect(view.conversation.patient.name).toMatch(/^Leo /);
    expect(view.messages[0]).toMatchObject({ senderKind: 'patient', senderName: 'Maria Lopez', onBehalfOf: 'parent', mine: false });
    // The same account acting for Maria does not see Leo's conversation there.
    expect(await listPortalConversations(getDb(), asMaria)).toEqual([]);
    await expect(openPortalThread(getDb(), asMaria, conversationId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await openPortalThread(getDb(), asLeosParent, conversationId)).messages[0]).toMatchObject({ mine: true, onBehalfOf: 'parent' });
  });

  it('assignment: to an active messaging staff member of the clinic; others are not found', async () => {
    const { clinic, support, admin, marketing, conversationId } = await staffStarted('reply_only');
    ok(await assignConversation(getDb(), support, conversationId, admin.actor.id));
    expect((await openStaffThread(getDb(), support, conversationId)).conversation.assignedTo).toEqual({ id: admin.actor.id, name: admin.actor.fullName });
    await expect(assignConversation(getDb(), support, conversationId, marketing.actor.id)).rejects.toBeInstanceOf(NotFoundError);
    const other = await messagingClinic();
    await expect(assignConversation(getDb(), support, conversationId, other.support.actor.id)).rejects.toBeInstanceOf(NotFoundError);
    ok(await assignConversation(getDb(), support, conversationId, null));
    expect((await listStaffConversations(getDb(), support, { filter: 'unassigned' })).items.map((c) => c.id)).toEqual([conversationId]);
    expect((await auditActions(clinic.id)).filter((a) => a.action === 'conversation.assigned')).toHaveLength(2);
  });
});

describe('access across clinics and patients', () => {
  it('another clinic’s staff and other patients get NotFound from every function', async () => {
    const { clinic, support, maria, conversationId } = await staffStarted('all_clients');
    const [message] = await messagesOf(clinic.id, conversationId);
    const other = await messagingClinic('all_clients');
    const stranger = other.admin;
    const calls = [
      () => openStaffThread(getDb(), stranger, conversationId),
      () => pollStaffThread(getDb(), stranger, conversationId, null),
      () => replyAsStaff(getDb(), stranger, conversationId, { body: 'x' }),
      () => assignConversation(getDb(), stranger, conversationId, null),
      () => closeConversation(getDb(), stranger, conversationId),
      () => reopenConversation(getDb(), stranger, conversationId),
      () => startStaffConversation(getDb(), stranger, { patientId: maria.id, subject: 's', body: 'b' }),
      () => listStaffConversations(getDb(), stranger, { filter: 'all', patientId: maria.id }),
      () => deleteOwnMessage(getDb(), stranger, message!.id),
      () => listPatientAssignments(getDb(), stranger, maria.id),
      () => assignPatient(getDb(), stranger, maria.id, stranger.actor.id),
      () => unassignPatient(getDb(), stranger, maria.id, stranger.actor.id),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(NotFoundError);
    // A patient of the other clinic, and another patient of the same clinic.
    const otherFamily = await household(other.clinic);
    const robert = await addPatient(clinic, 'Robert');
    const { actorFor } = await addAccount(clinic, 'Robert Chen', [{ patientId: robert.id, relationship: 'self' }]);
    for (const actor of [otherFamily.asMaria, actorFor(robert.id), { ...otherFamily.asMaria, tenant: { ...otherFamily.asMaria.tenant, id: clinic.id } }]) {
      await expect(openPortalThread(getDb(), actor, conversationId)).rejects.toBeInstanceOf(NotFoundError);
      await expect(pollPortalThread(getDb(), actor, conversationId, null)).rejects.toBeInstanceOf(NotFoundError);
      await expect(replyAsPatient(getDb(), actor, conversationId, { body: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      await expect(deleteOwnMessage(getDb(), actor, message!.id)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await listPortalConversations(getDb(), actorFor(robert.id))).toEqual([]);
    expect((await listStaffConversations(getDb(), stranger, { filter: 'all' })).items).toEqual([]);
    expect(await messagesOf(clinic.id, conversationId)).toHaveLength(1);
    expect(support.tenant.id).toBe(clinic.id);
  });

  it('a family member not linked to the patient is refused, as is a link whose portal access was disabled', async () => {
    const { clinic, maria, asMaria, conversationId } = await staffStarted('all_clients');
    const { actorFor } = await addAccount(clinic, 'Aunt Rosa', []);
    const notLinked = actorFor(maria.id);
    await expect(listPortalConversations(getDb(), notLinked)).rejects.toBeInstanceOf(NotFoundError);
    await expect(openPortalThread(getDb(), notLinked, conversationId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(replyAsPatient(getDb(), notLinked, conversationId, { body: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(startPortalConversation(getDb(), notLinked, { subject: 's', body: 'b' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(portalComposeState(getDb(), notLinked)).rejects.toBeInstanceOf(NotFoundError);
    await expect(portalUnreadCount(getDb(), notLinked)).rejects.toBeInstanceOf(NotFoundError);
    await getDb().update(patientPortalSettings).set({ disabledAt: new Date() })
      .where(and(eq(patientPortalSettings.tenantId, clinic.id), eq(patientPortalSettings.patientId, maria.id)));
    await expect(openPortalThread(getDb(), asMaria, conversationId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('malformed ids are not found', async () => {
    const { support, asMaria } = await staffStarted('reply_only');
    await expect(openStaffThread(getDb(), support, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(openPortalThread(getDb(), asMaria, "1' or 1=1")).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteOwnMessage(getDb(), asMaria, 'x')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deleting', () => {
  it('only the author, within 5 minutes; others then see "deleted" without body', async () => {
    setClockForTests(() => NOW);
    const { clinic, support, admin, asMaria, conversationId } = await staffStarted('reply_only');
    const first = (await messagesOf(clinic.id, conversationId))[0]!;
    expect(await deleteOwnMessage(getDb(), admin, first.id)).toMatchObject({ ok: false, error: 'not-author' });
    expect(await deleteOwnMessage(getDb(), asMaria, first.id)).toMatchObject({ ok: false, error: 'not-author' });
    setClockForTests(() => at(6));
    expect(await deleteOwnMessage(getDb(), support, first.id)).toMatchObject({ ok: false, error: 'too-late' });

    const { messageId } = ok(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Oops, wrong text' }));
    setClockForTests(() => at(11));
    expect((await openPortalThread(getDb(), asMaria, conversationId)).messages[1]).toMatchObject({ mine: true, deletable: true });
    ok(await deleteOwnMessage(getDb(), asMaria, messageId));
    const staffView = await openStaffThread(getDb(), support, conversationId);
    expect(staffView.messages[1]).toMatchObject({ id: messageId, deleted: true, body: null, attachments: [], deletable: false });
    expect(await deleteOwnMessage(getDb(), asMaria, messageId)).toMatchObject({ ok: false, error: 'too-late' });
    const audit = (await auditActions(clinic.id)).filter((a) => a.action === 'message.deleted');
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('wrong text');
  });

  it('the database refuses editing a message body', async () => {
    const { clinic, conversationId } = await staffStarted('reply_only');
    const first = (await messagesOf(clinic.id, conversationId))[0]!;
    await expect(getDb().update(conversationMessages).set({ body: 'rewritten' })
      .where(and(eq(conversationMessages.tenantId, clinic.id), eq(conversationMessages.id, first.id)))).rejects.toThrow();
    expect((await messagesOf(clinic.id, conversationId))[0]!.body).toBe('Your results are in.');
  });
});

describe('unread counts, polling, audit and notifications', () => {
  it('counts unread messages for both sides and clears them on opening', async () => {
    setClockForTests(() => NOW);
    const { clinic, support, admin, asMaria, asLeosParent, conversationId } = await staffStarted('reply_only');
    expect(await portalUnreadCount(getDb(), asMaria)).toBe(1);
    expect(await portalUnreadCount(getDb(), asLeosParent)).toBe(0);
    expect((await listPortalConversations(getDb(), asMaria))[0]).toMatchObject({ id: conversationId, unreadCount: 1, status: 'open' });
    setClockForTests(() => at(1));
    await openPortalThread(getDb(), asMaria, conversationId);
    expect(await portalUnreadCount(getDb(), asMaria)).toBe(0);

    setClockForTests(() => at(2));
    ok(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'One' }));
    setClockForTests(() => at(3));
    ok(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Two' }));
    expect(await staffUnreadCount(getDb(), support)).toBe(2);
    // Assigned to support: the admin's badge ignores it, the admin's list still shows the count.
    expect(await staffUnreadCount(getDb(), admin)).toBe(0);
    expect((await listStaffConversations(getDb(), admin, { filter: 'open' })).items[0]).toMatchObject({ unreadCount: 2, awaitingStaff: true });
    setClockForTests(() => at(4));
    await openStaffThread(getDb(), support, conversationId);
    expect(await staffUnreadCount(getDb(), support)).toBe(0);
    expect(await portalUnreadCount(getDb(), asMaria)).toBe(0);
    expect(clinic.id).toBe(support.tenant.id);
  });

  it('polling returns only newer messages and audits only when there were some', async () => {
    setClockForTests(() => NOW);
    const { clinic, support, asMaria, conversationId } = await staffStarted('reply_only');
    const opened = await openPortalThread(getDb(), asMaria, conversationId);
    const since = opened.messages.at(-1)!.createdAt;
    const readsBefore = (await auditActions(clinic.id)).filter((a) => a.action === 'message.read').length;
    expect((await pollPortalThread(getDb(), asMaria, conversationId, since)).messages).toEqual([]);
    expect((await auditActions(clinic.id)).filter((a) => a.action === 'message.read')).toHaveLength(readsBefore);
    setClockForTests(() => at(1));
    ok(await replyAsStaff(getDb(), support, conversationId, { body: 'Second' }));
    const poll = await pollPortalThread(getDb(), asMaria, conversationId, since);
    expect(poll).toMatchObject({ status: 'open', messages: [{ body: 'Second', senderKind: 'staff' }] });
    expect((await auditActions(clinic.id)).filter((a) => a.action === 'message.read')).toHaveLength(readsBefore + 1);
    expect(await portalUnreadCount(getDb(), asMaria)).toBe(0);
  });

  it('audits starts, sends and reads with ids only', async () => {
    const { clinic, support, asMaria, conversationId } = await staffStarted('reply_only');
    await openPortalThread(getDb(), asMaria, conversationId);
    await openStaffThread(getDb(), support, conversationId);
    const audit = await auditActions(clinic.id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['conversation.started', 'message.sent', 'message.read']));
    expect(audit.filter((a) => a.action === 'message.read').map((a) => a.actorKind).sort()).toEqual(['patient', 'staff']);
    const text = JSON.stringify(audit.map((a) => a.details));
    expect(text).not.toContain('Lab follow-up');
    expect(text).not.toContain('Your results');
  });

  it('a staff message queues a content-free email (and SMS per preference); a patient message queues nothing', async () => {
    const { clinic, support } = await messagingClinic('reply_only');
    const maria = await addPatient(clinic, 'Maria', { phone: '+15555550101' });
    await getDb().update(patientPortalSettings).set({ documentNotification: 'email_sms' })
      .where(and(eq(patientPortalSettings.tenantId, clinic.id), eq(patientPortalSettings.patientId, maria.id)));
    const { account, actorFor } = await addAccount(clinic, 'Maria Lopez', [{ patientId: maria.id, relationship: 'self' }]);
    const { conversationId } = ok(await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 'Biopsy results', body: 'Your biopsy shows melanoma' }));
    const [message] = await messagesOf(clinic.id, conversationId);
    const queued = await notificationsFor(message!.id);
    expect(queued.map((q) => `${q.channel}:${q.recipient}`).sort()).toEqual(
      [`email:${account.email}`, `email:${maria.email}`, 'sms:+15555550101', `sms:${account.phone}`].sort(),
    );
    for (const q of queued) {
      const text = `${q.subject ?? ''} ${q.body}`;
      expect(text).toContain(clinic.name);
      expect(text).toContain('/portal/messages');
      for (const secret of ['Biopsy', 'biopsy', 'melanoma', maria.firstName, maria.lastName]) expect(text).not.toContain(secret);
    }
    const reply = ok(await replyAsPatient(getDb(), actorFor(maria.id), conversationId, { body: 'Oh no' }));
    expect(await notificationsFor(reply.messageId)).toEqual([]);
  });
});
