import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDatabaseHandle, getDb, openDatabase, type DatabaseHandle } from '@/db/client';
import { operatorEnrolments, platformOperators, tenants } from '@/db/schema';
import { startOperatorSignIn, verifyOperatorTotp } from '@/lib/auth/operator-sign-in';
import { setClockForTests } from '@/lib/clock';
import { currentTotp } from '@/lib/identity/totp';
import {
  completeOperatorEnrolment,
  createOperatorWithEnrolment,
  OperatorEnrolmentError,
  openOperatorEnrolment,
} from '@/lib/platform/operator-enrolment';
import { CREATE_OPERATOR_HINT, demoSeedRefusal, prepareDatabase, seedDemo } from '@/scripts/db-tasks';
import { enrolmentLink } from '@/scripts/operator-link';
import { PRODUCTION_ENV, PRODUCTION_REQUIRED } from '../support/production-env';
import { testServerUrl, withDatabaseName } from '../support/test-database';

const client = { ip: '203.0.113.7', userAgent: 'vitest' };
const PASSWORD = 'Quiet-Harbor-Lantern-42';
const exec = promisify(execFile);

afterEach(() => setClockForTests(undefined));

/** A handle of its own on this file's database: migrations hold a session-level advisory lock. */
async function ownHandle(): Promise<{ handle: DatabaseHandle; url?: string; close: () => Promise<void> }> {
  const shared = getDatabaseHandle();
  const server = testServerUrl();
  if (shared.kind === 'pglite' || !server) return { handle: shared, close: async () => {} };
  const [row] = (await getDb().execute(sql`select current_database() as name`)) as unknown as { name: string }[];
  const url = withDatabaseName(server, row!.name);
  const handle = openDatabase({ url, maxConnections: 1 });
  return { handle, url, close: () => handle.close() };
}

async function counts() {
  const [t] = await getDb().select({ n: sql<number>`count(*)::int` }).from(tenants);
  const [o] = await getDb().select({ n: sql<number>`count(*)::int` }).from(platformOperators);
  return { tenants: t!.n, operators: o!.n };
}

describe('a production start never seeds', () => {
  it('migrates an empty database, creates nothing and says how to make the first operator', async () => {
    const own = await ownHandle();
    const lines: string[] = [];
    try {
      await prepareDatabase(own.handle, { demo: false, log: (l) => lines.push(l) });
    } finally {
      await own.close();
    }
    expect(await counts()).toEqual({ tenants: 0, operators: 0 });
    expect(lines.join('\n')).toBe(CREATE_OPERATOR_HINT);
    expect(CREATE_OPERATOR_HINT).toContain('npm run platform:create-operator -- --email');
  });

  it('`npm start`’s prepare step, as a process in production, leaves the database empty', async () => {
    const own = await ownHandle();
    await own.close();
    if (!own.url) return; // PGlite in memory cannot be shared with a child process.
    const { stdout } = await exec('npx', ['tsx', '--conditions=react-server', 'scripts/prepare-db.ts'], {
      env: { ...process.env, ...PRODUCTION_ENV, CAREBRIDGE_ENV: '', DATABASE_URL: own.url },
    });
    expect(stdout).toContain('npm run platform:create-operator');
    expect(await counts()).toEqual({ tenants: 0, operators: 0 });
  }, 60_000);

  it('`npm start` with missing production settings fails before touching the database, listing them all', async () => {
    const own = await ownHandle();
    await own.close();
    const pgliteDir = path.join(os.tmpdir(), `cb-never-${Date.now()}`, 'pglite');
    const blank = Object.fromEntries(Object.keys(PRODUCTION_ENV).map((k) => [k, '']));
    // NODE_ENV unset, as on a server shell: `npm start` is production whatever it says.
    const failure = await exec('npx', ['tsx', '--conditions=react-server', 'scripts/prepare-db.ts'], {
      env: { ...process.env, ...blank, CAREBRIDGE_ENV: '', STORAGE_DRIVER: '', PGLITE_DIR: pgliteDir },
    }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failure?.code).toBe(1);
    for (const name of PRODUCTION_REQUIRED) expect(failure?.stderr).toContain(`  - ${name}`);
    // No silent fallback: no embedded database was created.
    expect(existsSync(path.dirname(pgliteDir))).toBe(false);
  }, 60_000);

  it('`npm run db:seed` refuses in production, by NODE_ENV or CAREBRIDGE_ENV', async () => {
    expect(demoSeedRefusal({ NODE_ENV: 'production' })).toMatch(/Refusing to seed/);
    expect(demoSeedRefusal({ CAREBRIDGE_ENV: 'production' })).toMatch(/Refusing to seed/);
    expect(demoSeedRefusal({ NODE_ENV: 'development' })).toBeNull();
    // The e2e server runs a production build with CAREBRIDGE_ENV=test and needs the demo clinics.
    expect(demoSeedRefusal({ NODE_ENV: 'production', CAREBRIDGE_ENV: 'test' })).toBeNull();
    await expect(seedDemo(getDatabaseHandle(), { NODE_ENV: 'production' })).rejects.toThrow(/Refusing to seed/);
    expect(await counts()).toEqual({ tenants: 0, operators: 0 });
  });
});

describe('platform:create-operator', () => {
  it('prints a link that enrols the operator once; the operator can then sign in', async () => {
    const issued = await createOperatorWithEnrolment(getDb(), { email: ' First.Op@Example.com ', fullName: 'First Operator' });
    expect(issued).toMatchObject({ created: true, email: 'first.op@example.com' });
    expect(issued.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(issued.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    expect(enrolmentLink(issued.token, undefined, {})).toBe(`http://localhost:3000/console/enrol/${issued.token}`);

    // Not usable before enrolment: no password anyone knows, no authenticator.
    expect(await startOperatorSignIn(getDb(), { email: issued.email, password: PASSWORD }, client)).toEqual({ ok: false, error: 'invalid-credentials' });

    const open = await openOperatorEnrolment(getDb(), issued.token);
    expect(open).toMatchObject({ email: 'first.op@example.com', fullName: 'First Operator' });
    // The page shows the same secret on every visit until the link is used.
    expect((await openOperatorEnrolment(getDb(), issued.token))!.totpSecret).toBe(open!.totpSecret);

    await expect(completeOperatorEnrolment(getDb(), issued.token, { password: 'password1', code: currentTotp(open!.totpSecret) }, client))
      .rejects.toMatchObject({ code: 'weak-password' });
    await expect(completeOperatorEnrolment(getDb(), issued.token, { password: PASSWORD, code: '000000' === currentTotp(open!.totpSecret) ? '111111' : '000000' }, client))
      .rejects.toMatchObject({ code: 'wrong-code' });

    expect(await completeOperatorEnrolment(getDb(), issued.token, { password: PASSWORD, code: currentTotp(open!.totpSecret) }, client))
      .toEqual({ ok: true, email: 'first.op@example.com' });
    // Single use.
    expect(await openOperatorEnrolment(getDb(), issued.token)).toBeNull();
    expect(await completeOperatorEnrolment(getDb(), issued.token, { password: PASSWORD, code: currentTotp(open!.totpSecret) }, client))
      .toEqual({ ok: false, error: 'link-invalid' });

    // The real sign-in works with the chosen password and the enrolled authenticator.
    const start = await startOperatorSignIn(getDb(), { email: issued.email, password: PASSWORD }, client);
    expect(start.ok).toBe(true);
    const later = new Date(Date.now() + 60_000);
    setClockForTests(() => later);
    const verified = await verifyOperatorTotp(getDb(), (start as { challengeId: string }).challengeId, currentTotp(open!.totpSecret, later), client);
    expect(verified).toEqual({ ok: true });

    // An enrolled operator keeps their access: the command refuses rather than re-issuing.
    await expect(createOperatorWithEnrolment(getDb(), { email: issued.email, fullName: 'Someone Else' })).rejects.toBeInstanceOf(OperatorEnrolmentError);
  });

  it('expires the link after one hour', async () => {
    const issued = await createOperatorWithEnrolment(getDb(), { email: 'late@example.com', fullName: 'Late Operator' });
    const open = await openOperatorEnrolment(getDb(), issued.token);
    const after = new Date(Date.now() + 60 * 60_000 + 1_000);
    setClockForTests(() => after);
    expect(await openOperatorEnrolment(getDb(), issued.token)).toBeNull();
    expect(await completeOperatorEnrolment(getDb(), issued.token, { password: PASSWORD, code: currentTotp(open!.totpSecret, after) }, client))
      .toEqual({ ok: false, error: 'link-invalid' });
  });

  it('a new link for an operator who has not enrolled replaces the old one', async () => {
    const first = await createOperatorWithEnrolment(getDb(), { email: 'again@example.com', fullName: 'Again Operator' });
    const second = await createOperatorWithEnrolment(getDb(), { email: 'again@example.com', fullName: 'Again Operator' });
    expect(second.created).toBe(false);
    expect(second.operatorId).toBe(first.operatorId);
    expect(await openOperatorEnrolment(getDb(), first.token)).toBeNull();
    expect(await openOperatorEnrolment(getDb(), second.token)).not.toBeNull();
    const rows = await getDb().select().from(operatorEnrolments).where(eq(operatorEnrolments.operatorId, first.operatorId));
    expect(rows.every((r) => r.tokenHash !== first.token && r.tokenHash !== second.token)).toBe(true);
  });

  it('refuses an address that is not an email', async () => {
    await expect(createOperatorWithEnrolment(getDb(), { email: 'nobody', fullName: 'X' })).rejects.toMatchObject({ code: 'invalid-email' });
    await expect(createOperatorWithEnrolment(getDb(), { email: 'a@b.example', fullName: '  ' })).rejects.toMatchObject({ code: 'invalid-name' });
  });
});
