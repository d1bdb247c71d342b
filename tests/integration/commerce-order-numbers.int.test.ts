import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { commerceSettings } from '@/db/schema';
import { takeOrderNumber, takeOrderNumbers } from '@/lib/commerce/settings';
import { createTestTenant } from '../support/factories';

/**
 * A clinic's order numbers taken one at a time (checkout, a renewal one by one) and many at once
 * (a renewal pass, lib/commerce/renewals-bulk.ts): one sequence without gaps or repeats, given
 * back when the transaction rolls back.
 */

describe('takeOrderNumbers', () => {
  it('gives consecutive numbers from where takeOrderNumber left off, starting at 1 in a new clinic', async () => {
    const tenant = await createTestTenant();
    expect(await takeOrderNumbers(getDb(), tenant.id, 3)).toBe(1);
    expect(await takeOrderNumber(getDb(), tenant.id)).toBe(4);
    expect(await takeOrderNumbers(getDb(), tenant.id, 1)).toBe(5);
    expect(await takeOrderNumbers(getDb(), tenant.id, 50)).toBe(6);
    expect(await takeOrderNumber(getDb(), tenant.id)).toBe(56);
    // A clinic's first number by takeOrderNumber, then many.
    const other = await createTestTenant();
    expect(await takeOrderNumber(getDb(), other.id)).toBe(1);
    expect(await takeOrderNumbers(getDb(), other.id, 2)).toBe(2);
    expect(await takeOrderNumber(getDb(), other.id)).toBe(4);
  });

  it('gives the numbers back when the transaction rolls back', async () => {
    const tenant = await createTestTenant();
    await takeOrderNumber(getDb(), tenant.id);
    await expect(getDb().transaction(async (tx) => {
      expect(await takeOrderNumbers(tx, tenant.id, 10)).toBe(2);
      throw new Error('the orders failed');
    })).rejects.toThrow('the orders failed');
    expect(await takeOrderNumbers(getDb(), tenant.id, 2)).toBe(2);
    const [row] = await getDb().select({ next: commerceSettings.nextOrderNumber }).from(commerceSettings).where(eq(commerceSettings.tenantId, tenant.id));
    expect(row!.next).toBe(4);
  });

  it('refuses a count that is not a positive whole number, taking nothing', async () => {
    const tenant = await createTestTenant();
    for (const count of [0, -1, 1.5, Number.NaN]) await expect(takeOrderNumbers(getDb(), tenant.id, count)).rejects.toThrow('positive whole number');
    expect(await takeOrderNumber(getDb(), tenant.id)).toBe(1);
  });
});
