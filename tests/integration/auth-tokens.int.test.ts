import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb, type Executor } from '@/db/client';
import { auditLog, authTokens, patients, staffUsers, type AuthTokenPurpose } from '@/db/schema';
import { addSeconds, now as clockNow, setClockForTests } from '@/lib/clock';
import { generateToken, hashToken } from '@/lib/identity/secrets';
import { acceptStaffInvite } from '@/lib/staff/staff-users';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/**
 * Single-use emailed links (auth_tokens). Staff invites are spent by acceptStaffInvite
 * (lib/staff/staff-users.ts), tested below. Patient invites have no consuming helper in lib/ yet,
 * so the first part tests the pattern such a helper must use: one UPDATE that claims the token
 * only while it is unused, unrevoked and unexpired, and returns the row it claimed. "Now" is
 * lib/clock's, passed as a parameter, never the database's now(), so expiry follows the clock
 * the rest of the app uses.
 */

const T0 = new Date('2026-03-02T09:00:00Z');

let current = T0;
beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});
afterEach(() => {
  setClockForTests(undefined);
});

/** The brief's statement, as is: by hash only. */
function consumeByHash(db: Executor, tokenHash: string, at: Date = clockNow()) {
  return db
    .update(authTokens)
    .set({ usedAt: at })
    .where(and(
      eq(authTokens.tokenHash, tokenHash),
      isNull(authTokens.usedAt),
      isNull(authTokens.revokedAt),
      gt(authTokens.expiresAt, at),
    ))
    .returning();
}

/** The same, scoped the way a lib/ helper should be: the clinic of the request and the link's purpose. */
function consumeToken(db: Executor, tenantId: string, purpose: AuthTokenPurpose, token: string, at: Date = clockNow()) {
  return db
    .update(authTokens)
    .set({ usedAt: at })
    .where(and(
      eq(authTokens.tenantId, tenantId),
      eq(authTokens.purpose, purpose),
      eq(authTokens.tokenHash, hashToken(token)),
      isNull(authTokens.usedAt),
      isNull(authTokens.revokedAt),
      gt(authTokens.expiresAt, at),
    ))
    .returning();
}

async function staffInvite(tenant: Awaited<ReturnType<typeof createTestTenant>>, overrides: Partial<typeof authTokens.$inferInsert> = {}) {
  const staff = await createStaffContext(tenant, 'physician');
  const token = generateToken();
  const [row] = await getDb()
    .insert(authTokens)
    .values({
      tenantId: tenant.id,
      purpose: 'staff_invite',
      tokenHash: hashToken(token),
      email: staff.actor.email,
      staffUserId: staff.actor.id,
      expiresAt: addSeconds(T0, 24 * 3600),
      ...overrides,
    })
    .returning();
  return { token, row: row! };
}

async function patientInvite(tenant: Awaited<ReturnType<typeof createTestTenant>>) {
  const [patient] = await getDb()
    .insert(patients)
    .values({ tenantId: tenant.id, recordNumber: `MRN-${randomBytes(4).toString('hex')}`, firstName: 'Ada', lastName: 'Byron', dateOfBirth: '2016-09-03' })
    .returning();
  const token = generateToken();
  const [row] = await getDb()
    .insert(authTokens)
    .values({
      tenantId: tenant.id,
      purpose: 'patient_invite',
      tokenHash: hashToken(token),
      email: 'parent@example.test',
      patientId: patient!.id,
      relationship: 'parent',
      expiresAt: addSeconds(T0, 24 * 3600),
    })
    .returning();
  return { token, row: row! };
}

async function usedAt(id: string): Promise<Date | null> {
  const [row] = await getDb().select({ usedAt: authTokens.usedAt }).from(authTokens).where(eq(authTokens.id, id));
  return row!.usedAt;
}

describe('consuming a single-use token', () => {
  it('lets exactly one of two concurrent accepts have the token', async () => {
    const tenant = await createTestTenant();
    const { token, row } = await staffInvite(tenant);
    const results = await Promise.all([consumeByHash(getDb(), hashToken(token)), consumeByHash(getDb(), hashToken(token))]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(results.flat()[0]).toMatchObject({ id: row.id, staffUserId: row.staffUserId, usedAt: T0 });
    expect(await usedAt(row.id)).toEqual(T0);
  });

  it('lets exactly one of ten concurrent accepts of a patient invite have the token', async () => {
    const tenant = await createTestTenant();
    const { token, row } = await patientInvite(tenant);
    const results = await Promise.all(Array.from({ length: 10 }, () => consumeToken(getDb(), tenant.id, 'patient_invite', token)));
    expect(results.filter((r) => r.length === 1)).toHaveLength(1);
    expect(results.flat()).toEqual([expect.objectContaining({ id: row.id, patientId: row.patientId, relationship: 'parent' })]);
  });

  // Two accepts inside transactions that overlap: the second UPDATE waits for the first's row
  // lock (Postgres) or for its transaction (PGlite), then finds used_at set and claims nothing.
  it('gives the token to one of two overlapping transactions', async () => {
    const tenant = await createTestTenant();
    const { token } = await staffInvite(tenant);
    const accept = () => getDb().transaction(async (tx) => {
      const claimed = await consumeByHash(tx, hashToken(token));
      // The rest of the accept (creating the account, the audit row) takes time.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return claimed.length;
    });
    expect((await Promise.all([accept(), accept()])).sort()).toEqual([0, 1]);
  });

  it('leaves the token usable when the accept that claimed it rolls back', async () => {
    const tenant = await createTestTenant();
    const { token, row } = await staffInvite(tenant);
    await getDb().transaction(async (tx) => {
      expect(await consumeByHash(tx, hashToken(token))).toHaveLength(1);
      tx.rollback();
    }).catch(() => {});
    expect(await usedAt(row.id)).toBeNull();
    expect(await consumeByHash(getDb(), hashToken(token))).toHaveLength(1);
  });

  it('refuses a used, revoked or expired token, or a wrong one', async () => {
    const tenant = await createTestTenant();
    const used = await staffInvite(tenant);
    expect(await consumeByHash(getDb(), hashToken(used.token))).toHaveLength(1);
    current = addSeconds(T0, 60);
    expect(await consumeByHash(getDb(), hashToken(used.token))).toHaveLength(0);
    expect(await usedAt(used.row.id)).toEqual(T0);

    const revoked = await staffInvite(tenant, { revokedAt: T0 });
    expect(await consumeByHash(getDb(), hashToken(revoked.token))).toHaveLength(0);

    const expiring = await staffInvite(tenant);
    current = addSeconds(T0, 24 * 3600); // expires_at exactly: no longer valid
    expect(await consumeByHash(getDb(), hashToken(expiring.token))).toHaveLength(0);
    current = addSeconds(T0, 24 * 3600 - 1);
    expect(await consumeByHash(getDb(), hashToken(expiring.token))).toHaveLength(1);

    expect(await consumeByHash(getDb(), hashToken(generateToken()))).toHaveLength(0);
  });

  it("scoped by clinic and purpose, leaves another clinic's link or a link for another purpose unused", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { token, row } = await staffInvite(a);
    expect(await consumeToken(getDb(), b.id, 'staff_invite', token)).toHaveLength(0);
    expect(await consumeToken(getDb(), a.id, 'patient_invite', token)).toHaveLength(0);
    expect(await consumeToken(getDb(), a.id, 'password_reset', token)).toHaveLength(0);
    expect(await usedAt(row.id)).toBeNull();
    expect(await consumeToken(getDb(), a.id, 'staff_invite', token)).toHaveLength(1);
  });

  // Unique within its clinic: every key carries tenant_id so the schema can be distributed by
  // clinic (issue 14); a token never answers in another clinic (the test above).
  it('stores only the hash, which is unique within its clinic', async () => {
    const a = await createTestTenant();
    const { token, row } = await staffInvite(a);
    expect(JSON.stringify(row)).not.toContain(token);
    const duplicate = staffInvite(a, { tokenHash: row.tokenHash });
    await expect(duplicate).rejects.toSatisfy((e) => (e as { cause?: { code?: string } }).cause?.code === '23505');
  });
});

describe('acceptStaffInvite (lib/staff/staff-users.ts)', () => {
  const CLIENT = { ip: '203.0.113.7', userAgent: 'vitest' };

  async function invitedStaff(tenant: Awaited<ReturnType<typeof createTestTenant>>) {
    const [user] = await getDb()
      .insert(staffUsers)
      .values({
        tenantId: tenant.id, email: `new-${randomBytes(4).toString('hex')}@example.test`, fullName: 'New Colleague',
        accessLevelId: tenant.levelId.physician, status: 'invited',
      })
      .returning();
    const token = generateToken();
    await getDb().insert(authTokens).values({
      tenantId: tenant.id, purpose: 'staff_invite', tokenHash: hashToken(token), email: user!.email, staffUserId: user!.id,
      expiresAt: addSeconds(T0, 24 * 3600),
    });
    return { user: user!, token };
  }

  async function staffRow(id: string) {
    const [row] = await getDb().select().from(staffUsers).where(eq(staffUsers.id, id));
    return row!;
  }

  it('lets exactly one of two concurrent accepts set the password', async () => {
    const tenant = await createTestTenant();
    const { user, token } = await invitedStaff(tenant);
    const results = await Promise.all([
      acceptStaffInvite(getDb(), tenant.id, token, 'hash-from-tab-1', CLIENT),
      acceptStaffInvite(getDb(), tenant.id, token, 'hash-from-tab-2', CLIENT),
    ]);
    const winners = results.filter((r) => r.ok);
    expect(winners).toEqual([{ ok: true, email: user.email }]);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, error: 'invalid' }]);

    const winner = results[0]!.ok ? 'hash-from-tab-1' : 'hash-from-tab-2';
    expect(await staffRow(user.id)).toMatchObject({ status: 'active', passwordHash: winner });
    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'invite.accepted')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it("refuses the link on another clinic's host and leaves it usable at its own", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const { user, token } = await invitedStaff(a);
    expect(await acceptStaffInvite(getDb(), b.id, token, 'hash', CLIENT)).toEqual({ ok: false, error: 'invalid' });
    expect(await staffRow(user.id)).toMatchObject({ status: 'invited', passwordHash: null });
    expect(await acceptStaffInvite(getDb(), a.id, token, 'hash', CLIENT)).toEqual({ ok: true, email: user.email });
  });

  it('refuses an expired link (expires_at reached on the clock) and a used one', async () => {
    const tenant = await createTestTenant();
    const expiring = await invitedStaff(tenant);
    current = addSeconds(T0, 24 * 3600);
    expect(await acceptStaffInvite(getDb(), tenant.id, expiring.token, 'hash', CLIENT)).toEqual({ ok: false, error: 'invalid' });
    expect(await staffRow(expiring.user.id)).toMatchObject({ status: 'invited' });

    current = T0;
    const once = await invitedStaff(tenant);
    expect(await acceptStaffInvite(getDb(), tenant.id, once.token, 'first', CLIENT)).toMatchObject({ ok: true });
    expect(await acceptStaffInvite(getDb(), tenant.id, once.token, 'second', CLIENT)).toEqual({ ok: false, error: 'invalid' });
    expect(await staffRow(once.user.id)).toMatchObject({ passwordHash: 'first' });
  });
});
