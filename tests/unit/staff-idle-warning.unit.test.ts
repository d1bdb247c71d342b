import { describe, expect, it } from 'vitest';
import {
  armedDraft, canRestoreInto, draftKey, draftOf, DRAFT_MAX_AGE_MS, isKeptField, planRestore, readDraft, type FieldSnapshot,
} from '@/components/auth/form-drafts';
import { formatCountdown, lastActivityFromServer, secondsUntilIdle, warningLeadSeconds } from '@/components/auth/idle-timing';

describe('idle timing', () => {
  it('counts whole seconds left from the last activity', () => {
    expect(secondsUntilIdle(0, 30 * 60, 0)).toBe(1800);
    expect(secondsUntilIdle(0, 60, 59_001)).toBe(1);
    expect(secondsUntilIdle(0, 60, 60_000)).toBe(0);
    expect(secondsUntilIdle(0, 60, 75_000)).toBe(-15);
  });

  it('warns two minutes ahead, but never more than half a short limit', () => {
    expect(warningLeadSeconds(30 * 60, 120)).toBe(120);
    expect(warningLeadSeconds(5 * 60, 120)).toBe(120);
    expect(warningLeadSeconds(60, 120)).toBe(30);
    expect(warningLeadSeconds(1, 120)).toBe(1);
  });

  it('catches up with activity the server saw and this tab did not', () => {
    const now = 1_000_000;
    const last = lastActivityFromServer(1500, 1800, now);
    expect(secondsUntilIdle(last, 1800, now)).toBe(1500);
  });

  it('says the countdown as minutes and seconds', () => {
    expect(formatCountdown(119)).toBe('1:59');
    expect(formatCountdown(120)).toBe('2:00');
    expect(formatCountdown(5)).toBe('0:05');
    expect(formatCountdown(-3)).toBe('0:00');
  });
});

const field = (over: Partial<FieldSnapshot>): FieldSnapshot => ({
  form: 0, name: 'body', tag: 'textarea', type: '', autocomplete: '', value: 'Patient reports less pain.', initial: '', optedOut: false, ...over,
});

describe('what a staff member typed is kept', () => {
  it('keeps typed text in textareas, text inputs and selects', () => {
    expect(isKeptField(field({}))).toBe(true);
    expect(isKeptField(field({ tag: 'input', type: 'text', name: 'title' }))).toBe(true);
    expect(isKeptField(field({ tag: 'input', type: 'date', name: 'due', value: '2026-01-02' }))).toBe(true);
    expect(isKeptField(field({ tag: 'select', name: 'visibility', value: 'shared', initial: 'internal' }))).toBe(true);
  });

  it('never keeps a password, a one-time code, a hidden or file field, or a field the page opted out', () => {
    expect(isKeptField(field({ tag: 'input', type: 'password', name: 'newPassword' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'text', name: 'token', value: '123456' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'text', name: 'verification', autocomplete: 'one-time-code', value: '123456' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'text', name: 'code', value: '123456' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'hidden', name: 'patientId' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'file', name: 'file' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'checkbox', name: 'agree', value: 'on' }))).toBe(false);
    expect(isKeptField(field({ optedOut: true }))).toBe(false);
  });

  it('keeps only what was typed: not empty fields, not fields still as the page drew them', () => {
    expect(isKeptField(field({ value: '   ' }))).toBe(false);
    expect(isKeptField(field({ value: 'Saved text', initial: 'Saved text' }))).toBe(false);
    expect(isKeptField(field({ tag: 'input', type: 'text', name: 'postalCode', value: '62702' }))).toBe(true);
  });

  it('makes a draft of the kept fields only, not armed, or none when nothing was typed', () => {
    const draft = draftOf([field({}), field({ tag: 'input', type: 'password', name: 'password', value: 'secret' })], 1000);
    expect(draft).toEqual({ v: 1, savedAt: 1000, armed: false, fields: [{ form: 0, name: 'body', value: 'Patient reports less pain.' }] });
    expect(draftOf([field({ value: '' })], 1000)).toBeNull();
  });

  it('reads back only well-formed drafts younger than a staff session', () => {
    const stored = JSON.stringify(draftOf([field({})], 1000));
    expect(readDraft(stored, 2000)?.fields).toHaveLength(1);
    expect(readDraft(stored, 1000 + DRAFT_MAX_AGE_MS + 1)).toBeNull();
    expect(readDraft('{not json', 2000)).toBeNull();
    expect(readDraft(JSON.stringify({ v: 2, savedAt: 1000, fields: [] }), 2000)).toBeNull();
    expect(readDraft(JSON.stringify({ v: 1, savedAt: 1000, fields: [{ form: 'x', name: 1 }] }), 2000)).toBeNull();
    expect(readDraft(null, 2000)).toBeNull();
  });
});

describe('a kept draft comes back once, to its author, on its page, after an idle sign-out', () => {
  const staff = 'staff-1';
  const path = '/emr/patients/p1/notes';
  const unarmed = JSON.stringify(draftOf([field({})], 1000));
  const armed = armedDraft(unarmed, 1000)!;

  it('restores the armed draft of this person and page, and forgets it', () => {
    const plan = planRestore([[draftKey(staff, path), armed]], staff, path, 2000);
    expect(plan.restore?.fields[0]?.value).toBe('Patient reports less pain.');
    expect(plan.remove).toEqual([draftKey(staff, path)]);
  });

  it('never restores a draft that was not armed by the sign-in page (the person stayed, or saved)', () => {
    const plan = planRestore([[draftKey(staff, path), unarmed]], staff, path, 2000);
    expect(plan.restore).toBeNull();
    expect(plan.remove).toEqual([draftKey(staff, path)]);
  });

  it('never gives one person’s words to another signing in on the same tab', () => {
    const plan = planRestore([[draftKey('staff-2', path), armed]], staff, path, 2000);
    expect(plan.restore).toBeNull();
    expect(plan.remove).toEqual([]);
  });

  it('leaves armed drafts of other pages for their page, and drops stale unarmed ones', () => {
    const other = draftKey(staff, '/emr/tasks/new');
    const stale = draftKey(staff, '/emr/messages/new');
    const plan = planRestore([[other, armed], [stale, unarmed], ['unrelated', 'x']], staff, path, 2000);
    expect(plan.restore).toBeNull();
    expect(plan.remove).toEqual([stale]);
  });

  it('fills a field only while it still shows what the page drew', () => {
    expect(canRestoreInto({ value: '', initial: '' })).toBe(true);
    expect(canRestoreInto({ value: 'typed since', initial: '' })).toBe(false);
  });
});
