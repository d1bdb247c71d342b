import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import { loadTenantProfile, type TenantProfile } from '@/lib/tenancy/profile';
import { startClaim } from '@/lib/portal-access/claim';
import { requestPasswordResetLink, resendPasswordResetCode, startPasswordReset } from '@/lib/portal-access/password-reset';
import { SnsSmsSender } from '@/lib/sms/sns-sender';
import { createTestTenant } from '../support/factories';
import { FaultyProvider } from '../support/fault-servers';
import { createPortalAccount } from '../support/portal-fixtures';

/**
 * Issue 14 point 5: how long an answer takes must not tell whether we know the identifier.
 * The SMS and email providers here are local servers that take 300 ms per request (the real
 * adapters talk to them). Each call is timed as a request would be: until its answer, with
 * Next's `after()` tasks run once the answer is out, as Next runs them after the response. The
 * medians of a known and an unknown identifier must be within TOLERANCE_MS of each other; a
 * path that waits for the provider before answering is 300 ms slower and fails. The tolerance is
 * a third of that: the known path's own database work (the account, the challenge) is a few
 * milliseconds more on a quiet machine and was seen 50 ms more on a saturated one.
 */

const { afterResponse } = vi.hoisted(() => ({ afterResponse: [] as Array<() => unknown> }));
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  after: (task: () => unknown) => {
    afterResponse.push(task);
  },
}));

const LATENCY_MS = 300;
const TOLERANCE_MS = 100;
const ROUNDS = 11;
const PASSWORD = 'Copper-kettle-64';

let current = new Date('2026-03-02T09:00:00Z');
let ipCounter = 0;
const freshClient = () => ({ ip: `198.51.100.${++ipCounter % 250}`, userAgent: `timing-${ipCounter}` });
const uniqueEmail = (name: string) => `${name}.${randomBytes(4).toString('hex')}@example.test`;
const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

function reply(res: ServerResponse, status: number, contentType: string, body: string) {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

const sns = new FaultyProvider({
  ok: (_req, res, { id }) => reply(res, 200, 'text/xml', `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
    <PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
  </PublishResponse>`),
  error: (_req, res) => reply(res, 500, 'text/xml', '<ErrorResponse/>'),
  messageKey: (req) => req.body,
});
const resend = new FaultyProvider({
  ok: (_req, res, { id }) => reply(res, 200, 'application/json', JSON.stringify({ id })),
  error: (_req, res) => reply(res, 500, 'application/json', '{}'),
  messageKey: (req) => String(req.headers['idempotency-key']),
});
let sms: SnsSmsSender;
let email: ResendEmailSender;
let profile: TenantProfile;

beforeAll(async () => {
  sns.latencyMs = LATENCY_MS;
  resend.latencyMs = LATENCY_MS;
  sms = new SnsSmsSender({ endpoint: await sns.start(), region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, timeoutMs: 5_000 });
  email = new ResendEmailSender({ apiKey: 're_test_key', from: 'Carebridge <no-reply@example.com>', baseUrl: await resend.start(), timeoutMs: 5_000 });
  const tenant = await createTestTenant({ settings: { accessMode: 'automatic', identificationMode: 'email' } });
  profile = (await loadTenantProfile(getDb(), tenant.id))!;
  setClockForTests(() => current);
});
afterEach(() => {
  current = addSeconds(current, 7200);
});
afterAll(async () => {
  setClockForTests(undefined);
  await sns.stop();
  await resend.stop();
});

/** One request: the time until its answer; then what Next would run after the response. */
async function request(run: () => Promise<unknown>): Promise<{ ms: number; answer: unknown }> {
  afterResponse.length = 0;
  const started = performance.now();
  const answer = await run();
  const ms = performance.now() - started;
  for (const task of afterResponse.splice(0)) await task();
  return { ms, answer };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Runs `known` and `unknown` ROUNDS times each (alternating which goes first), after one
 * untimed warm-up, and checks that their medians are close. `known` must reach the provider
 * (its request count grows, after the answer) and `unknown` must not.
 */
async function compareTimings(
  provider: FaultyProvider,
  known: (round: number) => Promise<() => Promise<unknown>>,
  unknown: (round: number) => Promise<() => Promise<unknown>>,
) {
  const times = { known: [] as number[], unknown: [] as number[] };
  for (let round = 0; round <= ROUNDS; round++) {
    const order = round % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const);
    const prepared = { known: await known(round), unknown: await unknown(round) };
    for (const which of order) {
      const sentBefore = provider.requests.length;
      const { ms, answer } = await request(prepared[which]);
      expect(answer, which).toMatchObject({ ok: true });
      if (which === 'known') {
        expect(provider.requests.length, 'the known identifier got its message').toBe(sentBefore + 1);
      } else {
        expect(provider.requests.length, 'nothing is sent for an unknown identifier').toBe(sentBefore);
      }
      if (round > 0) times[which].push(ms);
    }
  }
  const difference = Math.abs(median(times.known) - median(times.unknown));
  expect(difference, `medians: known ${median(times.known).toFixed(1)} ms, unknown ${median(times.unknown).toFixed(1)} ms`).toBeLessThan(TOLERANCE_MS);
}

const newAccount = async () =>
  (await createPortalAccount({ id: profile.id }, { email: uniqueEmail('known'), phone: uniquePhone(), password: PASSWORD })).account;

describe('an answer takes as long for an unknown identifier as for a known one (providers taking 300 ms)', () => {
  it('forgot password by SMS code', async () => {
    await compareTimings(
      sns,
      async () => {
        const account = await newAccount();
        return () => startPasswordReset(getDb(), profile, { identifier: account.email! }, freshClient(), sms);
      },
      async () => {
        const typed = uniqueEmail('ghost');
        return () => startPasswordReset(getDb(), profile, { identifier: typed }, freshClient(), sms);
      },
    );
  });

  it('the emailed reset link', async () => {
    await compareTimings(
      resend,
      async () => {
        const account = await newAccount();
        return () => requestPasswordResetLink(getDb(), profile, { email: account.email! }, freshClient(), 'https://portal.example.test', email);
      },
      async () => {
        const typed = uniqueEmail('ghost');
        return () => requestPasswordResetLink(getDb(), profile, { email: typed }, freshClient(), 'https://portal.example.test', email);
      },
    );
  });

  it('automatic access (claim)', async () => {
    await compareTimings(
      sns,
      async () => {
        const { patient } = await createPortalAccount({ id: profile.id }, { email: uniqueEmail('claim'), phone: uniquePhone(), password: PASSWORD });
        return () => startClaim(getDb(), profile, { identifier: patient.email! }, freshClient(), sms);
      },
      async () => {
        const typed = uniqueEmail('ghost');
        return () => startClaim(getDb(), profile, { identifier: typed }, freshClient(), sms);
      },
    );
  });

  it('"Resend code" in forgot password', async () => {
    // Each side starts untimed, the clock moves past the 60 s wait, and the resend is timed.
    const startedThen = async (start: () => Promise<{ ok: boolean; challengeId?: string }>, resend: (id: string) => Promise<unknown>) => {
      afterResponse.length = 0;
      const started = await start();
      for (const task of afterResponse.splice(0)) await task();
      if (!started.ok || !started.challengeId) throw new Error('the flow did not start');
      current = addSeconds(current, 61);
      return () => resend(started.challengeId!);
    };
    await compareTimings(
      sns,
      async () => {
        const account = await newAccount();
        const client = freshClient();
        return startedThen(
          () => startPasswordReset(getDb(), profile, { identifier: account.email! }, client, sms),
          (id) => resendPasswordResetCode(getDb(), profile, id, client, sms),
        );
      },
      async () => {
        const client = freshClient();
        const typed = uniqueEmail('ghost');
        return startedThen(
          () => startPasswordReset(getDb(), profile, { identifier: typed }, client, sms),
          (id) => resendPasswordResetCode(getDb(), profile, id, client, sms),
        );
      },
    );
  });
});
