import { entityKind } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { isTransaction, type Executor } from '@/db/client';

describe('isTransaction', () => {
  it('knows a transaction made by another copy of drizzle (the handle on globalThis, Next’s layers)', () => {
    // What another bundle's transaction looks like from here: its own class, the same entity kind.
    class OtherCopyTransaction {
      static readonly [entityKind] = PgTransaction[entityKind];
    }
    const foreign = new OtherCopyTransaction() as unknown as Executor;
    expect(foreign instanceof PgTransaction).toBe(false);
    expect(isTransaction(foreign)).toBe(true);
  });

  it('does not take the database for a transaction', () => {
    class OtherCopyDatabase {
      static readonly [entityKind] = 'PgDatabase';
    }
    expect(isTransaction(new OtherCopyDatabase() as unknown as Executor)).toBe(false);
  });
});
