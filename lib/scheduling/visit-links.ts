import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { requiredSecret } from '@/lib/config/env';
import { isUuid } from '@/lib/kernel/ids';
import { portalLink } from '@/lib/notifications/portal-link';

/**
 * Confirm / cancel links in visit reminders (issue 18, point 3). They work without signing in, so
 * the link itself carries a signed token naming the clinic, the appointment and what it allows:
 *
 *   v1.<clinic id>.<appointment id>.<allowed actions>.<HMAC-SHA256 of everything before it>
 *
 * Ids only, nothing about the patient or the visit, so nothing is encrypted; the HMAC (keyed from
 * AUTH_SECRET, apart from the unsubscribe links' and sign-in codes' by its label) makes an edited
 * or forged token worthless, and the clinic inside it refuses the token on another clinic's host.
 * No expiry in the token: whether the visit can still be confirmed or cancelled (the clinic's
 * change window, the visit's status) is read from the database when the link is used, and a
 * reminder sent twice carries the same link. `v1` is the format's version; a new format gets a
 * new prefix and this one stays readable. Rotating AUTH_SECRET retires the links already sent.
 */

const VERSION = 'v1';
const LABEL = 'carebridge:visit-link:v1';

export type VisitLinkAction = 'confirm' | 'cancel';

/** One letter per action, in this order, in the token's fourth part. */
const ACTION_CODES: Record<VisitLinkAction, string> = { confirm: 'c', cancel: 'x' };
const ACTIONS = Object.keys(ACTION_CODES) as VisitLinkAction[];

export interface VisitTokenSubject {
  tenantId: string;
  appointmentId: string;
  /** What the link may do; the page offers only these. */
  allows: VisitLinkAction[];
}

function mac(body: string): Buffer {
  return createHmac('sha256', requiredSecret('AUTH_SECRET')).update(`${LABEL}\u0000${body}`).digest();
}

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function uuidFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The token for this clinic's appointment (always the same one for the same actions). */
export function makeVisitToken(tenantId: string, appointmentId: string, allows: readonly VisitLinkAction[] = ACTIONS): string {
  if (!isUuid(tenantId) || !isUuid(appointmentId)) throw new Error('visit link: a clinic id and an appointment id are needed');
  const codes = ACTIONS.filter((action) => allows.includes(action)).map((action) => ACTION_CODES[action]).join('');
  if (!codes) throw new Error('visit link: a link must allow something');
  const body = [VERSION, uuidBytes(tenantId).toString('base64url'), uuidBytes(appointmentId).toString('base64url'), codes].join('.');
  return `${body}.${mac(body).toString('base64url')}`;
}

/** What a token names, or null for anything that is not a genuine, untampered token. */
export function readVisitToken(token: string): VisitTokenSubject | null {
  if (typeof token !== 'string' || token.length > 256) return null;
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return null;
  const body = parts.slice(0, 4).join('.');
  const given = Buffer.from(parts[4]!, 'base64url');
  const expected = mac(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const tenant = Buffer.from(parts[1]!, 'base64url');
  const appointment = Buffer.from(parts[2]!, 'base64url');
  if (tenant.length !== 16 || appointment.length !== 16) return null;
  const allows = ACTIONS.filter((action) => parts[3]!.includes(ACTION_CODES[action]));
  // Only the form makeVisitToken writes (known letters, in order, once each).
  if (allows.length === 0 || allows.map((action) => ACTION_CODES[action]).join('') !== parts[3]) return null;
  return { tenantId: uuidFromBytes(tenant), appointmentId: uuidFromBytes(appointment), allows };
}

export interface VisitActionLinks {
  confirmUrl: string;
  cancelUrl: string;
}

/**
 * The links a reminder carries, on the clinic's platform subdomain (a custom domain may be
 * unverified). Both open the same page (one token allowing both); `intent` only says which button
 * the patient came for. Opening a link changes nothing: the page's buttons are POST forms.
 */
export function visitActionLinks(slug: string, tenantId: string, appointmentId: string): VisitActionLinks {
  const page = visitLinkPath(makeVisitToken(tenantId, appointmentId));
  return { confirmUrl: portalLink(slug, `${page}?intent=confirm`), cancelUrl: portalLink(slug, `${page}?intent=cancel`) };
}

/** The page's path for a token. */
export function visitLinkPath(token: string): `/${string}` {
  return `/portal/visit/${token}`;
}
