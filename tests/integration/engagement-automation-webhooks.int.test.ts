import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { webhookDeliveries } from '@/db/schema';
import { deliverWebhooks, isPrivateAddress, signWebhook, WEBHOOK_RETRY_DELAYS_MS, webhookSecret } from '@/lib/engagement/automations/webhooks';
import { createTestTenant } from '../support/factories';

/**
 * An automation's "call an outside URL" (issue 18 point 2): delivered from its row to a real
 * loopback server, signed with the clinic's secret, retried with backoff on a failure, given up
 * after the last attempt, and delivered once with two runners at once.
 */

interface Received { headers: IncomingHttpHeaders; body: string }
let server: Server;
let base: string;
const received: Received[] = [];
let answer = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = answer;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function delivery(tenantId: string, path: string, at: Date) {
  const [row] = await getDb().insert(webhookDeliveries).values({
    tenantId, url: `${base}${path}`, idempotencyKey: `test:${path}`, nextAttemptAt: at,
    body: { id: `test:${path}`, type: 'patient.created', clinicId: tenantId, subject: {} },
  }).returning();
  return row!;
}

async function rowOf(tenantId: string, id: string) {
  const [row] = await getDb().select().from(webhookDeliveries).where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.id, id)));
  return row!;
}

describe('webhook deliveries', () => {
  it('posts the body signed with the clinic’s secret and an idempotency key; two runners deliver it once', async () => {
    const tenant = await createTestTenant();
    const at = new Date('2030-03-02T15:00:00Z');
    const row = await delivery(tenant.id, '/signed', at);
    answer = 200;
    received.length = 0;
    await Promise.all([deliverWebhooks(getDb(), at), deliverWebhooks(getDb(), at)]);
    const mine = received.filter((r) => r.headers['idempotency-key'] === 'test:/signed');
    expect(mine).toHaveLength(1);
    const { headers, body } = mine[0]!;
    expect(JSON.parse(body)).toEqual(row.body);
    const signature = String(headers['carebridge-signature']);
    const t = Number(/t=(\d+)/.exec(signature)![1]);
    expect(t).toBe(Math.floor(at.getTime() / 1000));
    // The receiver's check: HMAC-SHA256 of "t.body" with the secret the CRM shows.
    const expected = createHmac('sha256', webhookSecret(tenant.id)).update(`${t}.${body}`).digest('hex');
    expect(signature).toBe(`t=${t},v1=${expected}`);
    expect(signature).toBe(signWebhook(webhookSecret(tenant.id), t, body));
    // Another clinic's secret is another secret.
    expect(webhookSecret((await createTestTenant()).id)).not.toBe(webhookSecret(tenant.id));
    expect(await rowOf(tenant.id, row.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
  });

  it('retries a failure with backoff, then gives up after the last attempt', async () => {
    const tenant = await createTestTenant();
    let at = new Date('2030-03-02T15:00:00Z');
    const row = await delivery(tenant.id, '/failing', at);
    answer = 503;
    for (let attempt = 1; attempt <= WEBHOOK_RETRY_DELAYS_MS.length; attempt++) {
      await deliverWebhooks(getDb(), at);
      const now = await rowOf(tenant.id, row.id);
      expect(now).toMatchObject({ status: 'pending', attempts: attempt, lastStatus: 503 });
      // Not tried again before its time.
      expect((await deliverWebhooks(getDb(), at)).webhooksRetried).toBe(0);
      at = new Date(at.getTime() + WEBHOOK_RETRY_DELAYS_MS[attempt - 1]!);
      expect(now.nextAttemptAt.getTime()).toBe(at.getTime());
    }
    await deliverWebhooks(getDb(), at);
    expect(await rowOf(tenant.id, row.id)).toMatchObject({ status: 'dead', attempts: WEBHOOK_RETRY_DELAYS_MS.length + 1 });
    answer = 200;
  });

  it('private, loopback and link-local addresses are told apart from public ones', () => {
    for (const address of ['10.1.2.3', '127.0.0.1', '169.254.169.254', '172.20.0.1', '192.168.1.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', 'not-an-ip']) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });
});
