import { describe, expect, it } from 'vitest';
import { isCurrent } from '@/components/shell/nav-link';

describe('isCurrent', () => {
  const menu = ['/emr', '/emr/schedule', '/emr/schedule/waitlist', '/emr/patients'];

  it('marks the item whose page or pages below it are open', () => {
    expect(isCurrent('/emr/patients/1/documents', '/emr/patients', false, menu)).toBe(true);
    expect(isCurrent('/emr/schedule/book', '/emr/schedule', false, menu)).toBe(true);
  });

  it('leaves the mark to a deeper item of the same menu', () => {
    expect(isCurrent('/emr/schedule/waitlist', '/emr/schedule', false, menu)).toBe(false);
    expect(isCurrent('/emr/schedule/waitlist/new', '/emr/schedule/waitlist', false, menu)).toBe(true);
  });

  it('does not take a longer name for a page below (/emr/schedules is not /emr/schedule)', () => {
    expect(isCurrent('/emr/schedules', '/emr/schedule', false, menu)).toBe(false);
  });

  it('matches an exact item only on its own page', () => {
    expect(isCurrent('/emr', '/emr', true, menu)).toBe(true);
    expect(isCurrent('/emr/patients', '/emr', true, menu)).toBe(false);
  });
});
