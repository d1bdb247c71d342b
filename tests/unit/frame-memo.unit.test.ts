import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Executor } from '@/db/client';
import { frameMemo } from '@/lib/kernel/frame-memo';

const db = {} as Executor;

describe('frameMemo (a frame’s nav entry or badge, per process)', () => {
  afterEach(() => vi.useRealTimers());

  it('reads a clinic once within its time, again after it, and at once after forget', async () => {
    vi.useFakeTimers();
    let value = 1;
    const read = vi.fn(async (_db: Executor, tenantId: string) => `${tenantId}:${value}`);
    const memo = frameMemo('test-a', 10_000, read);
    expect(await memo.get(db, 'a')).toBe('a:1');
    value = 2;
    expect(await memo.get(db, 'a')).toBe('a:1');
    expect(await memo.get(db, 'b')).toBe('b:2');
    expect(read).toHaveBeenCalledTimes(2);
    // A change made by this process: that clinic reads again at once, the other keeps its value.
    value = 3;
    memo.forget('a');
    expect(await memo.get(db, 'a')).toBe('a:3');
    expect(await memo.get(db, 'b')).toBe('b:2');
    expect(read).toHaveBeenCalledTimes(3);
    // One made elsewhere shows once the time has passed.
    value = 4;
    vi.advanceTimersByTime(10_001);
    expect(await memo.get(db, 'a')).toBe('a:4');
    expect(await memo.get(db, 'b')).toBe('b:4');
    expect(read).toHaveBeenCalledTimes(5);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const memo = frameMemo('test-b', 10_000, async () => {
      if (fail) throw new Error('down');
      return 7;
    });
    await expect(memo.get(db, 'a')).rejects.toThrow('down');
    fail = false;
    expect(await memo.get(db, 'a')).toBe(7);
  });

  it('is one memo per name in the process (route bundles may each load this module)', async () => {
    const first = frameMemo('test-c', 10_000, async () => 1);
    const second = frameMemo('test-c', 10_000, async () => 2);
    expect(await first.get(db, 'a')).toBe(1);
    expect(await second.get(db, 'a')).toBe(1);
    // Forgotten through one copy, read again through it: the other copy sees the new value.
    second.forget('a');
    expect(await second.get(db, 'a')).toBe(2);
    expect(await first.get(db, 'a')).toBe(2);
  });
});
