import { describe, expect, it } from 'vitest';
import { markActivityDaySchema } from '@/lib/clinic-forms/activity-forms';
import { activityPlan, canMarkDay, checklistDays, CHECKLIST_DAYS, MAX_GRID_DAYS } from '@/lib/clinic-forms/activity-plan';
import { textParts, videoSite } from '@/lib/clinic-forms/activity-text';

describe('home activity plan', () => {
  const plan = (today: string, doneDays: string[] = [], plannedDays: number | null = 14, open = true) =>
    activityPlan({ start: '2026-03-02', plannedDays, today, doneDays, open });

  it('counts the days done of those planned and of those so far', () => {
    const p = plan('2026-03-06', ['2026-03-02', '2026-03-04', '2026-03-06']);
    expect(p).toMatchObject({ start: '2026-03-02', end: '2026-03-15', plannedDays: 14, daysDone: 3, daysSoFar: 5, todayDone: true, todayMarkable: true });
    expect(p.grid).toHaveLength(14);
    expect(p.grid.map((d) => d.when)).toEqual([...Array(4).fill('past'), 'today', ...Array(9).fill('future')]);
    expect(p.grid.filter((d) => d.markable).map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']);
  });

  it('ends with the plan: nothing after its last day is markable or counted', () => {
    const p = plan('2026-03-20', ['2026-03-15', '2026-03-16']);
    expect(p).toMatchObject({ end: '2026-03-15', daysDone: 1, daysSoFar: 14, todayMarkable: false, todayDone: false });
    expect(p.grid.at(-1)).toMatchObject({ day: '2026-03-15', markable: true, when: 'past' });
  });

  it('runs on without an end when the clinic set no number of days', () => {
    const p = plan('2026-03-04', ['2026-03-03'], null);
    expect(p).toMatchObject({ end: null, plannedDays: null, daysDone: 1, daysSoFar: 3 });
    expect(p.grid.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    expect(plan('2028-03-04', [], null).grid).toHaveLength(MAX_GRID_DAYS);
  });

  it('lets nothing be marked on a closed activity', () => {
    const p = plan('2026-03-06', [], 14, false);
    expect(p.todayMarkable).toBe(false);
    expect(p.grid.some((d) => d.markable)).toBe(false);
    expect(checklistDays(p)).toEqual([]);
  });

  it('marks only real dates from the start to today or the plan’s end', () => {
    const window = { start: '2026-03-02', end: '2026-03-15', today: '2026-03-06' };
    expect(canMarkDay(window, '2026-03-02', true)).toBe(true);
    expect(canMarkDay(window, '2026-03-06', true)).toBe(true);
    for (const day of ['2026-03-01', '2026-03-07', '2026-02-30', '2026-3-4', '', '2026-03-04T00:00']) expect(canMarkDay(window, day, true), day).toBe(false);
    expect(canMarkDay({ ...window, today: '2026-04-01' }, '2026-03-16', true)).toBe(false);
  });

  it('offers the latest days in the checklist, newest first', () => {
    const p = plan('2026-03-30', [], 28);
    const days = checklistDays(p);
    expect(days).toHaveLength(CHECKLIST_DAYS);
    expect(days[0]!.day).toBe('2026-03-29');
    expect(days.at(-1)!.day).toBe('2026-03-16');
  });
});

describe('home activity text', () => {
  it('links web addresses and leaves the sentence’s punctuation outside', () => {
    expect(textParts('See https://example.org/a_(b) and http://x.test/y. Then rest.')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', href: 'https://example.org/a_(b)', text: 'https://example.org/a_(b)', video: null },
      { kind: 'text', text: ' and ' },
      { kind: 'link', href: 'http://x.test/y', text: 'http://x.test/y', video: null },
      { kind: 'text', text: '. Then rest.' },
    ]);
    expect(textParts('(see https://example.org/page)')).toMatchObject([{ text: '(see ' }, { href: 'https://example.org/page' }, { text: ')' }]);
  });

  it('names YouTube and Vimeo videos', () => {
    expect(textParts('Video: https://www.youtube.com/watch?v=wQylqaCl8Zo')).toEqual([
      { kind: 'text', text: 'Video: ' },
      { kind: 'link', href: 'https://www.youtube.com/watch?v=wQylqaCl8Zo', text: 'https://www.youtube.com/watch?v=wQylqaCl8Zo', video: 'YouTube' },
    ]);
    expect(videoSite('https://youtu.be/abc')).toBe('YouTube');
    expect(videoSite('https://vimeo.com/123')).toBe('Vimeo');
    expect(videoSite('https://youtube.com.evil.test/watch')).toBeNull();
    expect(videoSite('not a url')).toBeNull();
  });

  it('links nothing but http(s) addresses', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://files.test/a', 'plain text', 'https://']) {
      expect(textParts(text).every((p) => p.kind === 'text'), text).toBe(true);
      expect(textParts(text).map((p) => (p.kind === 'text' ? p.text : '')).join('')).toBe(text);
    }
  });
});

describe('the checklist form', () => {
  it('takes an activity id, a real date and done true or false, with the catalogue’s keys as messages', () => {
    const ok = markActivityDaySchema.safeParse({ assignmentId: '0b8b2c43-9a0c-4e29-9f1f-0f5c2bd0c8a1', day: '2026-03-06', done: 'true' });
    expect(ok).toMatchObject({ success: true, data: { day: '2026-03-06', done: 'true' } });
    const bad = markActivityDaySchema.safeParse({ assignmentId: 'x', day: '2026-02-30', done: 'yes' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['assignmentId', 'activityNotFound'], ['day', 'errDay'], ['done', 'errDay']]);
    expect(markActivityDaySchema.safeParse('nope').error!.issues[0]!.message).toBe('activityNotFound');
  });
});
