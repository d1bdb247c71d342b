import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { requiredSecret } from '@/lib/config/env';
import { isUuid } from '@/lib/kernel/ids';
import { portalLink } from '@/lib/notifications/portal-link';

/**
 * The link in a waitlist offer's SMS and email (issue 20, point 2). It works without signing in,
 * so the link carries a signed token naming the clinic and the offer:
 *
 *   w1.<clinic id>.<offer id>.<HMAC-SHA256 of everything before it>
 *
 * Ids only, nothing about the patient or the time. The HMAC is keyed from AUTH_SECRET with a
 * label of its own (a visit link's token is not an offer's), and the clinic inside it refuses the
 * token on another clinic's host. No expiry in the token: the offer's hold, and whether it was
 * answered, are read from the database when the link is used.
 */

const VERSION = 'w1';
const LABEL = 'carebridge:waitlist-offer:v1';

export interface OfferTokenSubject {
  tenantId: string;
  offerId: string;
}

function mac(body: string): Buffer {
  return createHmac('sha256', requiredSecret('AUTH_SECRET')).update(`${LABEL}\u0000${body}`).digest();
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');

function uuidFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The token for this clinic's offer (always the same one). */
export function makeOfferToken(tenantId: string, offerId: string): string {
  if (!isUuid(tenantId) || !isUuid(offerId)) throw new Error('offer link: a clinic id and an offer id are needed');
  const body = [VERSION, uuidBytes(tenantId).toString('base64url'), uuidBytes(offerId).toString('base64url')].join('.');
  return `${body}.${mac(body).toString('base64url')}`;
}

/** What a token names, or null for anything that is not a genuine, untampered token. */
export function readOfferToken(token: string): OfferTokenSubject | null {
  if (typeof token !== 'string' || token.length > 256) return null;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return null;
  const given = Buffer.from(parts[3]!, 'base64url');
  const expected = mac(parts.slice(0, 3).join('.'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const tenant = Buffer.from(parts[1]!, 'base64url');
  const offer = Buffer.from(parts[2]!, 'base64url');
  if (tenant.length !== 16 || offer.length !== 16) return null;
  return { tenantId: uuidFromBytes(tenant), offerId: uuidFromBytes(offer) };
}

/** The page's path for a token. */
export function offerLinkPath(token: string): `/${string}` {
  return `/portal/waitlist/offers/${token}`;
}

/** The link a message carries, on the clinic's platform subdomain (a custom domain may be unverified). */
export function offerLink(slug: string, tenantId: string, offerId: string): string {
  return portalLink(slug, offerLinkPath(makeOfferToken(tenantId, offerId)));
}
