import 'server-only';
import type { MessagingPolicy } from '@/db/schema';

/**
 * The clinic's messaging policy as pure decisions, so every rule is unit-tested on its own and
 * the database code only gathers the facts (is anyone assigned, what is the conversation's state).
 */

export const AUTO_CLOSE_HOURS = 48;
export const DELETE_WINDOW_MINUTES = 5;

export type StartRefusalReason = 'reply_only' | 'never_initiate' | 'no_assigned_staff';
export type ReplyRefusalReason = 'closed';
export type PolicyDecision<R extends string> = { ok: true } | { ok: false; reason: R };

export interface PolicyConversation {
  status: 'open' | 'closed';
  lastStaffMessageAt: Date | null;
  lastPatientMessageAt: Date | null;
}

/** Only "Assigned clients only" and "All clients" let a patient open a conversation. */
export function patientMayStart(policy: MessagingPolicy, facts: { hasAssignedStaff: boolean }): PolicyDecision<StartRefusalReason> {
  switch (policy) {
    case 'reply_only':
      return { ok: false, reason: 'reply_only' };
    case 'never_initiate':
      return { ok: false, reason: 'never_initiate' };
    case 'assigned_only':
      return facts.hasAssignedStaff ? { ok: true } : { ok: false, reason: 'no_assigned_staff' };
    case 'all_clients':
      return { ok: true };
  }
}

/**
 * Every policy lets a patient answer an open conversation; a closed one waits for staff to
 * reopen it. The policy is a parameter so a future policy cannot slip through unnoticed.
 */
export function patientMayReply(_policy: MessagingPolicy, conversation: Pick<PolicyConversation, 'status'>): PolicyDecision<ReplyRefusalReason> {
  return conversation.status === 'open' ? { ok: true } : { ok: false, reason: 'closed' };
}

/** Staff post only to open conversations: "Reopen the conversation first". */
export function staffMayReply(conversation: Pick<PolicyConversation, 'status'>): PolicyDecision<ReplyRefusalReason> {
  return conversation.status === 'open' ? { ok: true } : { ok: false, reason: 'closed' };
}

/** Under "Assigned clients only" staff see just their own patients; otherwise the whole clinic. */
export function staffSeesAllPatients(policy: MessagingPolicy): boolean {
  return policy !== 'assigned_only';
}

/** Only "Reply only" closes conversations by itself. */
export function policyAutoCloses(policy: MessagingPolicy): boolean {
  return policy === 'reply_only';
}

/**
 * An open conversation whose last staff message is at least 48 h old and that the patient has
 * not answered since. Without a staff message (a patient-started one) there is nothing awaited.
 */
export function shouldAutoClose(conversation: PolicyConversation, at: Date, policy: MessagingPolicy = 'reply_only'): boolean {
  if (!policyAutoCloses(policy) || conversation.status !== 'open') return false;
  const staffAt = conversation.lastStaffMessageAt;
  if (!staffAt) return false;
  if (conversation.lastPatientMessageAt && conversation.lastPatientMessageAt >= staffAt) return false;
  return at.getTime() - staffAt.getTime() >= AUTO_CLOSE_HOURS * 3_600_000;
}

/** The last instant a staff message counts as "not yet overdue" at `at`. */
export function autoCloseCutoff(at: Date): Date {
  return new Date(at.getTime() - AUTO_CLOSE_HOURS * 3_600_000);
}

/** The author may take a message back for five minutes; after that it is part of the record. */
export function mayDeleteMessage(message: { createdAt: Date; deletedAt: Date | null }, isAuthor: boolean, at: Date): PolicyDecision<'not-author' | 'too-late'> {
  if (!isAuthor) return { ok: false, reason: 'not-author' };
  if (message.deletedAt) return { ok: false, reason: 'too-late' };
  return at.getTime() - message.createdAt.getTime() <= DELETE_WINDOW_MINUTES * 60_000 ? { ok: true } : { ok: false, reason: 'too-late' };
}
