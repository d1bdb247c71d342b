import 'server-only';
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { webhookDeliveries } from '@/db/schema';
import { isProduction, requiredSecret } from '@/lib/config/env';
import { now } from '@/lib/clock';
import { errorSummary } from '@/lib/kernel/errors';

/**
 * Delivers the "call an outside URL" steps (webhook_deliveries rows, written in the step's
 * transaction). Rows are claimed FOR UPDATE SKIP LOCKED with a lease (a crashed runner's row is
 * taken again when the lease ends), POSTed outside the transaction, and marked delivered on a 2xx
 * or retried with backoff; after the last attempt the row is dead and the run log says so.
 *
 * Every request carries `Carebridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">` with the clinic's signing secret (webhookSecret, shown to its admins in the CRM)
 * and `Idempotency-Key` (the run and step), so the receiver can check it and drop a repeat.
 * In production an address that resolves to a private, loopback or link-local network is refused
 * (an automation must not reach into the platform's own network).
 */

export const WEBHOOK_BATCH = 20;
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;
export const WEBHOOK_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 12 * 3_600_000];

/** The clinic's signing secret: derived, so nothing to store; rotating AUTH_SECRET rotates it. */
export function webhookSecret(tenantId: string): string {
  return `whsec_${createHmac('sha256', requiredSecret('AUTH_SECRET')).update(`carebridge:automation-webhook:${tenantId}`).digest('base64url')}`;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** True when the address is one an automation may not call (production only). */
export function isPrivateAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is its IPv4 address (BlockList would let a ::ffff:0:0/96 rule match every IPv4).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

async function refusedDestination(url: URL): Promise<string | null> {
  if (!isProduction) return null;
  if (url.protocol !== 'https:') return 'the address is not https';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  return addresses.length === 0 || addresses.some(isPrivateAddress) ? 'the address is on a private network' : null;
}

export interface WebhookResult {
  webhooksDelivered: number;
  webhooksRetried: number;
  webhooksDead: number;
}

export async function deliverWebhooks(db: Database, at: Date = now(), options: { limit?: number; fetch?: typeof fetch } = {}): Promise<WebhookResult> {
  const limit = options.limit ?? WEBHOOK_BATCH;
  const send = options.fetch ?? fetch;
  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, at), sql`(${webhookDeliveries.lockedUntil} is null or ${webhookDeliveries.lockedUntil} <= ${at.toISOString()}::timestamptz)`))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    for (const row of due) {
      await tx.update(webhookDeliveries).set({ lockedUntil: new Date(at.getTime() + LEASE_MS), attempts: row.attempts + 1 })
        .where(and(eq(webhookDeliveries.tenantId, row.tenantId), eq(webhookDeliveries.id, row.id)));
    }
    return due.map((row) => ({ ...row, attempts: row.attempts + 1 }));
  });
  const result: WebhookResult = { webhooksDelivered: 0, webhooksRetried: 0, webhooksDead: 0 };
  for (const row of claimed) {
    const body = JSON.stringify(row.body);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const url = new URL(row.url);
      const refused = await refusedDestination(url);
      if (refused) {
        error = refused;
      } else {
        const timestamp = Math.floor(at.getTime() / 1000);
        const response = await send(url, {
          method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
          headers: {
            'Content-Type': 'application/json', 'User-Agent': 'Carebridge-Webhooks/1', 'Idempotency-Key': row.idempotencyKey,
            'Carebridge-Signature': signWebhook(webhookSecret(row.tenantId), timestamp, body),
          },
        });
        status = response.status;
        await response.body?.cancel();
        if (status < 200 || status >= 300) error = `answered ${status}`;
      }
    } catch (e) {
      error = errorSummary(e);
    }
    const where = and(eq(webhookDeliveries.tenantId, row.tenantId), eq(webhookDeliveries.id, row.id));
    if (error === null) {
      await db.update(webhookDeliveries).set({ status: 'delivered', deliveredAt: at, lastStatus: status, lastError: null, lockedUntil: null }).where(where);
      result.webhooksDelivered += 1;
    } else if (row.attempts > WEBHOOK_RETRY_DELAYS_MS.length) {
      await db.update(webhookDeliveries).set({ status: 'dead', lastStatus: status, lastError: error, lockedUntil: null }).where(where);
      result.webhooksDead += 1;
    } else {
      await db.update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(at.getTime() + WEBHOOK_RETRY_DELAYS_MS[row.attempts - 1]!), lastStatus: status, lastError: error, lockedUntil: null })
        .where(where);
      result.webhooksRetried += 1;
    }
  }
  return result;
}
