import { describe, expect, it } from 'vitest';
import { messagingPolicies, type MessagingPolicy } from '@/db/schema';
import {
  AUTO_CLOSE_HOURS,
  DELETE_WINDOW_MINUTES,
  mayDeleteMessage,
  patientMayReply,
  patientMayStart,
  policyAutoCloses,
  shouldAutoClose,
  staffMayReply,
  staffSeesAllPatients,
  type PolicyConversation,
} from '@/lib/conversations/policy';

const T0 = new Date('2026-03-02T10:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);

const open = (over: Partial<PolicyConversation> = {}): PolicyConversation => ({ status: 'open', lastStaffMessageAt: T0, lastPatientMessageAt: null, ...over });
const closed = (over: Partial<PolicyConversation> = {}): PolicyConversation => ({ ...open(over), status: 'closed' });

describe('constants', () => {
  it('are the decided values', () => {
    expect(AUTO_CLOSE_HOURS).toBe(48);
    expect(DELETE_WINDOW_MINUTES).toBe(5);
  });
});

describe('patientMayStart', () => {
  const table: [MessagingPolicy, boolean, ReturnType<typeof patientMayStart>][] = [
    ['reply_only', false, { ok: false, reason: 'reply_only' }],
    ['reply_only', true, { ok: false, reason: 'reply_only' }],
    ['never_initiate', false, { ok: false, reason: 'never_initiate' }],
    ['never_initiate', true, { ok: false, reason: 'never_initiate' }],
    ['assigned_only', false, { ok: false, reason: 'no_assigned_staff' }],
    ['assigned_only', true, { ok: true }],
    ['all_clients', false, { ok: true }],
    ['all_clients', true, { ok: true }],
  ];
  it.each(table)('%s with assigned staff=%s', (policy, hasAssignedStaff, expected) => {
    expect(patientMayStart(policy, { hasAssignedStaff })).toEqual(expected);
  });
  it('covers every policy', () => {
    expect(new Set(table.map(([p]) => p))).toEqual(new Set(messagingPolicies));
  });
});

describe('patientMayReply', () => {
  it.each(messagingPolicies)('%s: open conversations accept replies, closed ones do not', (policy) => {
    expect(patientMayReply(policy, open())).toEqual({ ok: true });
    expect(patientMayReply(policy, open({ lastStaffMessageAt: null, lastPatientMessageAt: T0 }))).toEqual({ ok: true });
    expect(patientMayReply(policy, closed())).toEqual({ ok: false, reason: 'closed' });
  });
});

describe('staff', () => {
  it('reply only to open conversations', () => {
    expect(staffMayReply(open())).toEqual({ ok: true });
    expect(staffMayReply(closed())).toEqual({ ok: false, reason: 'closed' });
  });
  it.each([
    ['reply_only', true],
    ['never_initiate', true],
    ['assigned_only', false],
    ['all_clients', true],
  ] as const)('%s: staff see all patients = %s', (policy, all) => {
    expect(staffSeesAllPatients(policy)).toBe(all);
  });
});

describe('shouldAutoClose', () => {
  it('only reply_only closes by itself', () => {
    expect(messagingPolicies.filter(policyAutoCloses)).toEqual(['reply_only']);
    for (const policy of messagingPolicies) expect(shouldAutoClose(open(), hours(49), policy)).toBe(policy === 'reply_only');
  });
  it('stays open before 48 h and closes from 48 h', () => {
    expect(shouldAutoClose(open(), hours(47))).toBe(false);
    expect(shouldAutoClose(open(), new Date(hours(48).getTime() - 1))).toBe(false);
    expect(shouldAutoClose(open(), hours(48))).toBe(true);
    expect(shouldAutoClose(open(), hours(49))).toBe(true);
  });
  it('stays open when the patient replied after the last staff message', () => {
    expect(shouldAutoClose(open({ lastPatientMessageAt: hours(1) }), hours(49))).toBe(false);
    expect(shouldAutoClose(open({ lastPatientMessageAt: T0 }), hours(49))).toBe(false);
  });
  it('closes when the patient reply is older than the last staff message', () => {
    expect(shouldAutoClose(open({ lastPatientMessageAt: hours(-1) }), hours(49))).toBe(true);
  });
  it('ignores conversations without a staff message and closed ones', () => {
    expect(shouldAutoClose(open({ lastStaffMessageAt: null, lastPatientMessageAt: T0 }), hours(100))).toBe(false);
    expect(shouldAutoClose(closed(), hours(100))).toBe(false);
  });
});

describe('mayDeleteMessage', () => {
  const message = { createdAt: T0, deletedAt: null };
  it('lets the author delete within 5 minutes', () => {
    expect(mayDeleteMessage(message, true, minutes(0))).toEqual({ ok: true });
    expect(mayDeleteMessage(message, true, minutes(5))).toEqual({ ok: true });
  });
  it('refuses after 5 minutes, twice, and anyone but the author', () => {
    expect(mayDeleteMessage(message, true, minutes(6))).toEqual({ ok: false, reason: 'too-late' });
    expect(mayDeleteMessage({ createdAt: T0, deletedAt: minutes(1) }, true, minutes(2))).toEqual({ ok: false, reason: 'too-late' });
    expect(mayDeleteMessage(message, false, minutes(1))).toEqual({ ok: false, reason: 'not-author' });
  });
});
