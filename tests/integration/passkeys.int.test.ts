import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, operatorPasskeys, passkeyChallenges, passkeys, platformAuditLog, platformOperators, tenantDomains } from '@/db/schema';
import type { OperatorContext } from '@/lib/access/context';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { authenticationOptions, registrationOptions, verifyAssertion, verifyRegistration } from '@/lib/identity/passkeys/ceremonies';
import { finishAddingPasskey, listOwnPasskeys, removeOwnPasskey, renameOwnPasskey, startAddingPasskey, type PasskeyCaller } from '@/lib/identity/passkeys/manage';
import type { RelyingParty } from '@/lib/identity/passkeys/relying-party';
import { deleteExpiredChallenges, insertCredential, type PasskeyOwner } from '@/lib/identity/passkeys/store';
import { hashPassword } from '@/lib/identity/password-hash';
import { SCHEDULED_JOBS } from '@/lib/jobs/scheduled';
import { createTestTenant } from '../support/factories';
import { portalAccountContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { SoftwareAuthenticator } from '../support/software-authenticator';
import { createStaffContext } from '../support/staff-context';

/**
 * Passkeys through @simplewebauthn/server's real verification, with a software authenticator
 * (tests/support/software-authenticator.ts): the ceremonies' rules (origin, RP ID, user
 * verification, one-use challenges tied to their context and host, the counter) and the
 * management of a person's own passkeys, for staff, portal accounts and operators.
 */

const T0 = new Date('2026-09-01T10:00:00Z');
const CLIENT = { ip: '203.0.113.5', userAgent: 'vitest' };
let now = T0;
beforeEach(() => {
  now = T0;
  setClockForTests(() => now);
});
afterEach(() => setClockForTests(undefined));

function rpOf(host: string, port = 3000): RelyingParty {
  return { id: host, origin: `http://${host}:${port}`, name: 'Test clinic' };
}

async function clinic(settings: { portalPasskeysAllowed?: boolean } = {}) {
  const tenant = await createTestTenant({ settings });
  const staff = await createStaffContext(tenant);
  const owner: PasskeyOwner = { kind: 'staff', tenantId: tenant.id, id: staff.actor.id };
  return { tenant, staff, owner, rp: rpOf(`${tenant.slug}.localhost`) };
}

/** Registers a credential for `owner` on `rp` through both halves of the ceremony and stores it. */
async function enrol(owner: PasskeyOwner, rp: RelyingParty, authenticator = new SoftwareAuthenticator()) {
  const contextId = randomUUID();
  const options = await registrationOptions(getDb(), owner, rp, { contextId, userName: 'someone@example.test', userDisplayName: 'Some One' });
  const response = authenticator.register(options, { origin: rp.origin });
  const verified = await verifyRegistration(getDb(), owner, rp, { contextId, response, name: undefined, defaultName: (key) => key });
  if (!verified.ok) throw new Error('registration refused');
  const passkey = await insertCredential(getDb(), owner, verified.credential);
  return { authenticator, passkey };
}

/** Options for a sign-in attempt and the authenticator's answer to them. */
async function assertion(owner: PasskeyOwner, rp: RelyingParty, authenticator: SoftwareAuthenticator, overrides: Partial<Parameters<SoftwareAuthenticator['assert']>[1]> = {}) {
  const contextId = randomUUID();
  const options = await authenticationOptions(getDb(), owner, rp, { contextId });
  if (!options) throw new Error('no options: no passkey on this host');
  const response = authenticator.assert(options, { origin: rp.origin, ...overrides });
  return { contextId, options, response };
}

function verify(owner: PasskeyOwner, rp: RelyingParty, contextId: string, response: string) {
  return verifyAssertion(getDb(), owner, rp, { contextId, response }, CLIENT);
}

async function storedCounter(passkeyId: string): Promise<number> {
  const [row] = await getDb().select({ counter: passkeys.counter }).from(passkeys).where(eq(passkeys.id, passkeyId));
  return row!.counter;
}

describe('passkey ceremonies', () => {
  it('registers a credential for the exact host and signs in with it; options list only that host’s passkeys', async () => {
    const { owner, rp } = await clinic();
    const registering = randomUUID();
    const options = await registrationOptions(getDb(), owner, rp, { contextId: registering, userName: 'n@example.test', userDisplayName: 'N' });
    expect(options.rp).toEqual({ id: rp.id, name: 'Test clinic' });
    expect(options.authenticatorSelection?.userVerification).toBe('required');
    expect(options.attestation).toBe('none');
    // The user handle is the row's id, never a name or an address.
    expect(Buffer.from(options.user.id, 'base64url').toString('hex')).toBe(owner.id.replace(/-/g, ''));

    const authenticator = new SoftwareAuthenticator();
    const verified = await verifyRegistration(getDb(), owner, rp, { contextId: registering, response: authenticator.register(options, { origin: rp.origin }), name: undefined, defaultName: (key) => key });
    expect(verified).toMatchObject({ ok: true, credential: { rpId: rp.id, name: 'defaultDevice', deviceType: 'singleDevice', transports: ['internal'], counter: 0 } });
    if (!verified.ok) return;
    const passkey = await insertCredential(getDb(), owner, verified.credential);

    const { contextId, options: signIn, response } = await assertion(owner, rp, authenticator);
    expect(signIn.rpId).toBe(rp.id);
    expect(signIn.userVerification).toBe('required');
    expect(signIn.allowCredentials).toEqual([{ id: verified.credential.credentialId, type: 'public-key', transports: ['internal'] }]);
    expect(await verify(owner, rp, contextId, response)).toEqual({ ok: true, passkeyId: passkey.id });
    expect(await storedCounter(passkey.id)).toBe(1);
    // Another host of the same clinic has no passkey of this person's yet.
    expect(await authenticationOptions(getDb(), owner, rpOf('portal.example-clinic.test'), { contextId: randomUUID() })).toBeNull();
  });

  it('refuses an assertion from another origin, for another RP ID, or without user verification', async () => {
    const { owner, rp } = await clinic();
    const { authenticator, passkey } = await enrol(owner, rp);
    for (const overrides of [
      { origin: 'http://evil.localhost:3000' },
      { origin: `https://${rp.id}` },
      { rpId: 'evil.localhost' },
      { userVerified: false },
    ]) {
      const { contextId, response } = await assertion(owner, rp, authenticator, overrides);
      expect(await verify(owner, rp, contextId, response), JSON.stringify(overrides)).toEqual({ ok: false, error: 'failed' });
    }
    expect(await storedCounter(passkey.id)).toBe(0);
  });

  it('refuses a registration from another origin or without user verification, and uses its challenge up', async () => {
    const { owner, rp } = await clinic();
    for (const overrides of [{ origin: 'http://evil.localhost:3000' }, { origin: rp.origin, userVerified: false }, { origin: rp.origin, rpId: 'evil.localhost' }]) {
      const contextId = randomUUID();
      const options = await registrationOptions(getDb(), owner, rp, { contextId, userName: 'n', userDisplayName: 'N' });
      const response = new SoftwareAuthenticator().register(options, overrides);
      expect(await verifyRegistration(getDb(), owner, rp, { contextId, response, name: 'Mine', defaultName: (k) => k }), JSON.stringify(overrides)).toEqual({ ok: false, error: 'failed' });
      // The refusal spent the challenge: even a good answer to it now fails.
      const good = new SoftwareAuthenticator().register(options, { origin: rp.origin });
      expect(await verifyRegistration(getDb(), owner, rp, { contextId, response: good, name: 'Mine', defaultName: (k) => k })).toEqual({ ok: false, error: 'failed' });
    }
  });

  it('uses each challenge once, within five minutes, for its own context and person', async () => {
    const { owner, rp, tenant } = await clinic();
    const counterless = new SoftwareAuthenticator(0);
    await enrol(owner, rp, counterless);

    // The same answer twice: the second finds its challenge used (the counter stays 0 here, so only the challenge can refuse it).
    const first = await assertion(owner, rp, counterless);
    expect(await verify(owner, rp, first.contextId, first.response)).toMatchObject({ ok: true });
    expect(await verify(owner, rp, first.contextId, first.response)).toEqual({ ok: false, error: 'failed' });

    // An answer for another attempt (context) than the one that asked.
    const second = await assertion(owner, rp, counterless);
    expect(await verify(owner, rp, randomUUID(), second.response)).toEqual({ ok: false, error: 'failed' });
    expect(await verify(owner, rp, second.contextId, second.response)).toMatchObject({ ok: true });

    // Another person of the clinic cannot answer this person's challenge.
    const colleague = await createStaffContext(tenant);
    const third = await assertion(owner, rp, counterless);
    expect(await verify({ kind: 'staff', tenantId: tenant.id, id: colleague.actor.id }, rp, third.contextId, third.response)).toEqual({ ok: false, error: 'failed' });

    // Five minutes later the challenge is dead.
    const late = await assertion(owner, rp, counterless);
    now = addSeconds(T0, 5 * 60);
    expect(await verify(owner, rp, late.contextId, late.response)).toEqual({ ok: false, error: 'failed' });
    const inTime = await assertion(owner, rp, counterless);
    now = addSeconds(now, 4 * 60 + 59);
    expect(await verify(owner, rp, inTime.contextId, inTime.response)).toMatchObject({ ok: true });

    // A registration's challenge is as strict: its own session, once, in time.
    const session = randomUUID();
    const options = await registrationOptions(getDb(), owner, rp, { contextId: session, userName: 'n', userDisplayName: 'N' });
    const response = new SoftwareAuthenticator().register(options, { origin: rp.origin });
    expect(await verifyRegistration(getDb(), owner, rp, { contextId: randomUUID(), response, name: 'A', defaultName: (k) => k })).toEqual({ ok: false, error: 'failed' });
    expect(await verifyRegistration(getDb(), owner, rp, { contextId: session, response, name: 'A', defaultName: (k) => k })).toMatchObject({ ok: true });
    expect(await verifyRegistration(getDb(), owner, rp, { contextId: session, response, name: 'A', defaultName: (k) => k })).toEqual({ ok: false, error: 'failed' });
  });

  it('refuses a counter that does not grow (a cloned authenticator) and audits it; an authenticator without a counter stays at 0', async () => {
    const { owner, rp, tenant } = await clinic();
    const { authenticator, passkey } = await enrol(owner, rp);
    const one = await assertion(owner, rp, authenticator);
    expect(await verify(owner, rp, one.contextId, one.response)).toMatchObject({ ok: true });
    const five = await assertion(owner, rp, authenticator, { counter: 5 });
    expect(await verify(owner, rp, five.contextId, five.response)).toMatchObject({ ok: true });
    expect(await storedCounter(passkey.id)).toBe(5);

    for (const counter of [5, 3, 0]) {
      const clone = await assertion(owner, rp, authenticator, { counter });
      expect(await verify(owner, rp, clone.contextId, clone.response), `counter ${counter}`).toEqual({ ok: false, error: 'failed' });
    }
    expect(await storedCounter(passkey.id)).toBe(5);
    const entries = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'auth.passkey_counter_regressed')));
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ actorKind: 'staff', actorId: owner.id, outcome: 'denied', targetType: 'passkey', targetId: passkey.id, ip: CLIENT.ip });
    expect(entries.map((e) => (e.details as { receivedCounter: number }).receivedCounter).sort()).toEqual([0, 3, 5]);

    const synced = await clinic();
    const counterless = await enrol(synced.owner, synced.rp, new SoftwareAuthenticator(0));
    for (let i = 0; i < 3; i++) {
      const again = await assertion(synced.owner, synced.rp, counterless.authenticator);
      expect(await verify(synced.owner, synced.rp, again.contextId, again.response)).toMatchObject({ ok: true });
    }
    // Once an authenticator has counted, 0 is a regression.
    const counting = await assertion(synced.owner, synced.rp, counterless.authenticator, { counter: 2 });
    expect(await verify(synced.owner, synced.rp, counting.contextId, counting.response)).toMatchObject({ ok: true });
    const zero = await assertion(synced.owner, synced.rp, counterless.authenticator, { counter: 0 });
    expect(await verify(synced.owner, synced.rp, zero.contextId, zero.response)).toEqual({ ok: false, error: 'failed' });
  });

  it('binds a credential to its clinic and its host: refused on another clinic’s host and on its own clinic’s custom domain', async () => {
    const a = await clinic();
    const b = await clinic();
    const { authenticator } = await enrol(a.owner, a.rp);

    // Clinic B's staff member, on B's host, answering B's challenge with A's credential (signed for either host).
    const bAuthenticator = new SoftwareAuthenticator();
    await enrol(b.owner, b.rp, bAuthenticator);
    for (const rpId of [b.rp.id, a.rp.id]) {
      const { contextId, options } = await assertion(b.owner, b.rp, bAuthenticator);
      const stolen = authenticator.assert(options, { origin: b.rp.origin, rpId }, authenticator.credentials[0]);
      expect(await verify(b.owner, b.rp, contextId, stolen), rpId).toEqual({ ok: false, error: 'failed' });
    }

    // Clinic A's custom domain: the same person, the same clinic, another host.
    const custom = rpOf('portal.clinic-a.test', 443);
    await getDb().insert(tenantDomains).values({ tenantId: a.tenant.id, kind: 'custom', hostname: custom.id, verificationToken: 't', verifiedAt: T0 });
    expect(await authenticationOptions(getDb(), a.owner, custom, { contextId: randomUUID() })).toBeNull();
    // With a second passkey made there, the first is still not accepted there, whichever host it signs for.
    const second = new SoftwareAuthenticator();
    await enrol(a.owner, custom, second);
    for (const rpId of [custom.id, a.rp.id]) {
      const { contextId, options } = await assertion(a.owner, custom, second);
      expect(options.allowCredentials).toHaveLength(1);
      const subdomainKey = authenticator.assert(options, { origin: custom.origin, rpId }, authenticator.credentials[0]);
      expect(await verify(a.owner, custom, contextId, subdomainKey), rpId).toEqual({ ok: false, error: 'failed' });
    }
    // Each host still takes its own.
    const home = await assertion(a.owner, a.rp, authenticator);
    expect(await verify(a.owner, a.rp, home.contextId, home.response)).toMatchObject({ ok: true });
    const there = await assertion(a.owner, custom, second);
    expect(await verify(a.owner, custom, there.contextId, there.response)).toMatchObject({ ok: true });
  });

  it('refuses what is not a credential at all, without throwing', async () => {
    const { owner, rp } = await clinic();
    await enrol(owner, rp);
    const contextId = randomUUID();
    await authenticationOptions(getDb(), owner, rp, { contextId });
    for (const response of ['', 'null', '{}', '[]', 'not json', JSON.stringify({ id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' } })]) {
      expect(await verify(owner, rp, contextId, response), response).toEqual({ ok: false, error: 'failed' });
    }
  });

  it('clears challenges an hour past their expiry, used or not', async () => {
    const { owner, rp, tenant } = await clinic();
    await registrationOptions(getDb(), owner, rp, { contextId: randomUUID(), userName: 'n', userDisplayName: 'N' });
    const count = async () => (await getDb().select().from(passkeyChallenges).where(eq(passkeyChallenges.tenantId, tenant.id))).length;
    expect(await count()).toBe(1);
    expect(await deleteExpiredChallenges(getDb(), addSeconds(T0, 5 * 60 + 3599))).toMatchObject({ passkeyChallengesDeleted: 0 });
    expect(await count()).toBe(1);
    // The scheduled job (cron route and worker) is what runs it.
    const job = SCHEDULED_JOBS.find((j) => j.name === 'passkey-challenges')!;
    expect((await job.run(getDb(), addSeconds(T0, 5 * 60 + 3600))).passkeyChallengesDeleted).toBeGreaterThanOrEqual(1);
    expect(await count()).toBe(0);
  });
});

describe('managing one’s own passkeys', () => {
  async function add(ctx: PasskeyCaller, rp: RelyingParty, name?: string, authenticator = new SoftwareAuthenticator()) {
    const started = await startAddingPasskey(getDb(), ctx, rp);
    if (!started.ok) return started;
    return finishAddingPasskey(getDb(), ctx, rp, { response: authenticator.register(started.options, { origin: rp.origin }), name });
  }

  it('staff: add several (named, or named after their kind), rename and remove, each audited; another person’s passkey is not found', async () => {
    const { staff, rp, tenant } = await clinic();
    const ctx = { ...staff, sessionId: randomUUID(), ip: CLIENT.ip, userAgent: CLIENT.userAgent };
    const laptop = await add(ctx, rp, 'Work laptop');
    // Listed oldest first (the clock stands still in this file).
    now = addSeconds(now, 1);
    const unnamed = await add(ctx, rp);
    expect(laptop).toMatchObject({ ok: true, passkey: { name: 'Work laptop', rpId: rp.id } });
    expect(unnamed).toMatchObject({ ok: true, passkey: { name: 'Passkey on this device' } });
    if (!laptop.ok || !unnamed.ok) return;
    expect((await listOwnPasskeys(getDb(), ctx)).map((p) => p.name)).toEqual(['Work laptop', 'Passkey on this device']);

    expect(await renameOwnPasskey(getDb(), ctx, { passkeyId: unnamed.passkey.id, name: 'Phone' })).toEqual({ ok: true });
    const colleague = { ...(await createStaffContext(tenant)), sessionId: randomUUID() };
    expect(await renameOwnPasskey(getDb(), colleague, { passkeyId: laptop.passkey.id, name: 'Mine now' })).toEqual({ ok: false, error: 'not-found' });
    expect(await removeOwnPasskey(getDb(), colleague, { passkeyId: laptop.passkey.id })).toEqual({ ok: false, error: 'not-found' });
    expect(await removeOwnPasskey(getDb(), ctx, { passkeyId: laptop.passkey.id })).toEqual({ ok: true, name: 'Work laptop' });
    expect(await removeOwnPasskey(getDb(), ctx, { passkeyId: laptop.passkey.id })).toEqual({ ok: false, error: 'not-found' });
    expect((await listOwnPasskeys(getDb(), ctx)).map((p) => p.name)).toEqual(['Phone']);

    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.actorId, staff.actor.id)));
    expect(audit.map((e) => e.action).sort()).toEqual(['auth.passkey_added', 'auth.passkey_added', 'auth.passkey_removed', 'auth.passkey_renamed']);
    expect(audit.find((e) => e.action === 'auth.passkey_removed')).toMatchObject({ targetType: 'passkey', targetId: laptop.passkey.id, ip: CLIENT.ip, details: { name: 'Work laptop', host: rp.id } });
    expect(audit.find((e) => e.action === 'auth.passkey_renamed')?.details).toEqual({ before: { name: 'Passkey on this device' }, after: { name: 'Phone' } });
  });

  it('the same authenticator twice on one host is one passkey', async () => {
    const { staff, rp } = await clinic();
    const ctx = { ...staff, sessionId: randomUUID() };
    const authenticator = new SoftwareAuthenticator();
    expect(await add(ctx, rp, 'Key', authenticator)).toMatchObject({ ok: true });
    // The options exclude it (a browser would refuse); an authenticator that registers it anyway is refused.
    const started = await startAddingPasskey(getDb(), ctx, rp);
    if (!started.ok) throw new Error('not started');
    expect(started.options.excludeCredentials).toEqual([{ id: authenticator.credentials[0]!.id.toString('base64url'), type: 'public-key', transports: ['internal'] }]);
    const again = authenticator.register(started.options, { origin: rp.origin, again: authenticator.credentials[0] });
    expect(await finishAddingPasskey(getDb(), ctx, rp, { response: again })).toEqual({ ok: false, error: 'duplicate' });
    expect(await listOwnPasskeys(getDb(), ctx)).toHaveLength(1);
  });

  it('portal accounts add passkeys only where the clinic accepts them, and may always remove theirs', async () => {
    const { tenant, rp } = await clinic({ portalPasskeysAllowed: false });
    const { account } = await createPortalAccount(tenant, { email: `p-${randomUUID()}@example.test`, phone: '+15555550123', password: 'Unused-password-1' });
    const ctx = portalAccountContext(tenant, account.id, { sessionId: randomUUID(), ip: CLIENT.ip });
    expect(await startAddingPasskey(getDb(), ctx, rp)).toEqual({ ok: false, error: 'not-allowed' });
    expect(await getDb().select().from(passkeyChallenges).where(eq(passkeyChallenges.tenantId, tenant.id))).toHaveLength(0);

    const { tenantSettings } = await import('@/db/schema');
    await getDb().update(tenantSettings).set({ portalPasskeysAllowed: true }).where(eq(tenantSettings.tenantId, tenant.id));
    const started = await startAddingPasskey(getDb(), { ...ctx, account: { ...ctx.account, language: 'es' } }, rp);
    if (!started.ok) throw new Error('not started');
    // A Spanish-speaking patient's unnamed passkey is named in Spanish.
    const added = await finishAddingPasskey(getDb(), { ...ctx, account: { ...ctx.account, language: 'es' } }, rp, { response: new SoftwareAuthenticator().register(started.options, { origin: rp.origin }) });
    expect(added).toMatchObject({ ok: true, passkey: { name: 'Llave en este dispositivo' } });
    if (!added.ok) return;
    const [row] = await getDb().select().from(passkeys).where(eq(passkeys.id, added.passkey.id));
    expect(row).toMatchObject({ tenantId: tenant.id, subjectKind: 'portal_account', subjectId: account.id, rpId: rp.id });

    // The clinic turns passkeys off: no new one, but the patient can still remove theirs.
    await getDb().update(tenantSettings).set({ portalPasskeysAllowed: false }).where(eq(tenantSettings.tenantId, tenant.id));
    expect(await startAddingPasskey(getDb(), ctx, rp)).toEqual({ ok: false, error: 'not-allowed' });
    expect(await removeOwnPasskey(getDb(), ctx, { passkeyId: added.passkey.id })).toMatchObject({ ok: true });
    const audit = await getDb().select({ action: auditLog.action, actorKind: auditLog.actorKind }).from(auditLog).where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.actorId, account.id)));
    expect(audit).toEqual(expect.arrayContaining([{ action: 'auth.passkey_added', actorKind: 'patient' }, { action: 'auth.passkey_removed', actorKind: 'patient' }]));
  });

  it('operators keep theirs on the platform, audited in the platform’s log', async () => {
    const [operator] = await getDb().insert(platformOperators).values({ email: `op-${randomUUID()}@example.test`, fullName: 'Olga Operator', passwordHash: await hashPassword('Unused-password-1') }).returning();
    const ctx: OperatorContext = { actor: { kind: 'operator', id: operator!.id, fullName: operator!.fullName, email: operator!.email }, sessionId: randomUUID(), ip: CLIENT.ip, userAgent: null };
    const rp = rpOf('localhost');
    const added = await add(ctx, rp, 'YubiKey');
    expect(added).toMatchObject({ ok: true, passkey: { name: 'YubiKey', rpId: 'localhost' } });
    if (!added.ok) return;
    expect(await getDb().select({ operatorId: operatorPasskeys.operatorId }).from(operatorPasskeys).where(eq(operatorPasskeys.id, added.passkey.id))).toEqual([{ operatorId: operator!.id }]);
    expect(await removeOwnPasskey(getDb(), ctx, { passkeyId: added.passkey.id })).toMatchObject({ ok: true });
    const audit = await getDb().select({ action: platformAuditLog.action }).from(platformAuditLog).where(eq(platformAuditLog.actorId, operator!.id));
    expect(audit.map((e) => e.action).sort()).toEqual(['auth.passkey_added', 'auth.passkey_removed']);
  });
});
