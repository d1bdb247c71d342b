import 'server-only';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { and, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { campaignRecipients, campaigns } from '@/db/schema';
import { addSeconds, now } from '@/lib/clock';
import { ConfigurationError, requiredSecret } from '@/lib/config/env';
import { isUuid } from '@/lib/kernel/ids';
import { portalLink } from '@/lib/notifications/portal-link';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { recordConsentForAddress } from './consent';
import { normaliseAddress, suppress, suppressionOf } from './suppressions';

/**
 * One-click unsubscribe for marketing email (issue 18, point 7; RFC 8058). Every marketing email
 * carries a link naming its clinic and address in a signed token, so it works without signing in
 * and cannot be pointed at another address or clinic:
 *
 *   u1.<clinic id>.<iv>.<address, AES-256-GCM>.<HMAC-SHA256 of everything before it>
 *
 * The address is encrypted (a key derived from DATA_ENCRYPTION_KEY for this use only), so a link
 * that leaks (forwarded, logged by a proxy) does not spell out the patient's email; the HMAC
 * (keyed from AUTH_SECRET, apart from the sign-in codes' by its label) makes a forged or edited
 * link worthless. The IV is derived from the clinic and address (a synthetic IV), so one address
 * always gets the same token: a retried email is byte-for-byte the first (Resend refuses a reused
 * idempotency key with a different body), and a nonce is never reused for another address.
 * No expiry: an unsubscribe link must work for as long as the email is kept. `u1` is the format's
 * version; a new format gets a new prefix and this one stays readable. Rotating AUTH_SECRET or
 * DATA_ENCRYPTION_KEY retires the links already sent.
 */

const VERSION = 'u1';
const LABEL = 'carebridge:unsubscribe:u1';

function macKey(): string {
  return requiredSecret('AUTH_SECRET');
}

function encryptionKey(): Buffer {
  const master = Buffer.from(requiredSecret('DATA_ENCRYPTION_KEY'), 'base64');
  if (master.length !== 32) throw new ConfigurationError('DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded.');
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), LABEL, 32));
}

function mac(purpose: 'iv' | 'sig', data: string): Buffer {
  return createHmac('sha256', macKey()).update(`${LABEL}\u0000${purpose}\u0000${data}`).digest();
}

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function uuidFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface UnsubscribeSubject {
  tenantId: string;
  channel: 'email';
  /** Normalised (lower-cased) email address. */
  address: string;
}

/** The token of the clinic's link for this address (always the same one). Throws on an address that is not an email. */
export function makeUnsubscribeToken(tenantId: string, address: string): string {
  const email = normaliseAddress('email', address);
  if (!email || !isUuid(tenantId)) throw new Error('unsubscribe: a clinic id and an email address are needed');
  const tenant = uuidBytes(tenantId);
  const iv = mac('iv', `${tenantId}\u0000${email}`).subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv);
  // The clinic is authenticated with the address: a ciphertext moved under another clinic's id fails.
  cipher.setAAD(tenant);
  const sealed = Buffer.concat([cipher.update(email, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const body = [VERSION, tenant.toString('base64url'), iv.toString('base64url'), sealed.toString('base64url')].join('.');
  return `${body}.${mac('sig', body).toString('base64url')}`;
}

/** What a token names, or null for anything that is not a genuine, untampered token. */
export function readUnsubscribeToken(token: string): UnsubscribeSubject | null {
  if (typeof token !== 'string' || token.length > 1024) return null;
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return null;
  const body = parts.slice(0, 4).join('.');
  const given = Buffer.from(parts[4]!, 'base64url');
  const expected = mac('sig', body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const tenant = Buffer.from(parts[1]!, 'base64url');
  const iv = Buffer.from(parts[2]!, 'base64url');
  const sealed = Buffer.from(parts[3]!, 'base64url');
  if (tenant.length !== 16 || iv.length !== 12 || sealed.length <= 16) return null;
  let address: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), iv);
    decipher.setAAD(tenant);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    address = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    // Signed by us but unreadable: the encryption key was rotated since.
    return null;
  }
  const email = normaliseAddress('email', address);
  return email ? { tenantId: uuidFromBytes(tenant), channel: 'email', address: email } : null;
}

/**
 * Where a marketing email's text or HTML wants its unsubscribe link: the dispatcher puts the
 * page's address there at send time (and adds a line with it when the message has none), so a
 * template never needs to know the address it goes to.
 */
export const UNSUBSCRIBE_URL_PLACEHOLDER = '{{unsubscribeUrl}}';

export interface UnsubscribeLinks {
  /** The page with the button (the link in the email's text and HTML). */
  page: string;
  /** The RFC 8058 endpoint (the List-Unsubscribe header): a POST unsubscribes, a GET shows the page. */
  oneClick: string;
}

/** The clinic's links for a token, on its platform subdomain (a custom domain may be unverified). */
export function unsubscribeLinks(slug: string, token: string): UnsubscribeLinks {
  return { page: portalLink(slug, `/portal/unsubscribe/${token}`), oneClick: portalLink(slug, `/api/unsubscribe/${token}`) };
}

/** The headers a marketing email carries (RFC 2369 and RFC 8058). */
export function unsubscribeHeaders(links: UnsubscribeLinks): Record<string, string> {
  return { 'List-Unsubscribe': `<${links.oneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

export type UnsubscribeLookup =
  | { ok: true; maskedAddress: string; alreadyUnsubscribed: boolean }
  | { ok: false };

/**
 * What the page shows for a token on this clinic's host, changing nothing (mail scanners open
 * links). A token of another clinic is as unknown as a forged one.
 */
export async function inspectUnsubscribeToken(db: Executor, tenant: TenantRef, token: string): Promise<UnsubscribeLookup> {
  const subject = readUnsubscribeToken(token);
  if (!subject || subject.tenantId !== tenant.id) return { ok: false };
  const reason = await suppressionOf(db, tenant.id, 'email', subject.address);
  return { ok: true, maskedAddress: maskEmail(subject.address), alreadyUnsubscribed: reason !== null };
}

/**
 * Unsubscribes the token's address from the clinic's marketing email: the address goes on the
 * suppression list ('unsubscribed': care messages still arrive) and every patient of the clinic
 * with that email gets a recorded "no" to marketing by email (source 'unsubscribe_link'), and the
 * clinic's campaign recipients sent to it lately are marked unsubscribed, in one transaction.
 * Idempotent. Refused (false) for a token that is not this clinic's.
 */
export async function unsubscribeByToken(db: Executor, tenant: TenantRef, token: string, client: { ip?: string | null; userAgent?: string | null } = {}): Promise<boolean> {
  const subject = readUnsubscribeToken(token);
  if (!subject || subject.tenantId !== tenant.id) return false;
  await db.transaction(async (tx) => {
    await suppress(tx, tenant.id, 'email', subject.address, 'unsubscribed');
    await recordConsentForAddress(
      tx, tenant.id,
      { channel: 'email', address: subject.address, purposes: ['marketing'], granted: false, source: 'unsubscribe_link' },
      // Whoever holds the link: not signed in, so not a known person.
      { actor: { kind: 'anonymous' }, ip: client.ip ?? null, userAgent: client.userAgent ?? null },
    );
    await markCampaignUnsubscribes(tx, tenant.id, subject.address);
  });
  return true;
}

const CAMPAIGN_UNSUBSCRIBE_WINDOW_SECONDS = 30 * 24 * 60 * 60;

/**
 * For the campaign report: the clinic's campaign emails sent to the address in the last 30 days
 * count the unsubscribe (first time only), as the link in any of them could have been the one.
 */
async function markCampaignUnsubscribes(tx: Executor, tenantId: string, address: string): Promise<void> {
  const at = now();
  const since = addSeconds(at, -CAMPAIGN_UNSUBSCRIBE_WINDOW_SECONDS);
  // Through the clinic's recent email campaigns, so the recipients are read by their key's index.
  const recentEmailCampaigns = tx
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.channel, 'email'), or(isNull(campaigns.finishedAt), gte(campaigns.finishedAt, since))));
  await tx
    .update(campaignRecipients)
    .set({ unsubscribedAt: at })
    .where(and(
      eq(campaignRecipients.tenantId, tenantId),
      inArray(campaignRecipients.campaignId, recentEmailCampaigns),
      eq(sql`lower(${campaignRecipients.address})`, address),
      gte(campaignRecipients.sentAt, since),
      isNull(campaignRecipients.unsubscribedAt),
    ));
}

/** "m••••@sunrise.test": enough for the person to recognise their address, not to read it. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '••••';
  return `${address[0]}••••${address.slice(at)}`;
}
