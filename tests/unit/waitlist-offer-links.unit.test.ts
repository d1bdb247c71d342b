import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeVisitToken } from '@/lib/scheduling/visit-links';
import { makeOfferToken, offerLinkPath, readOfferToken } from '@/lib/waitlist/offer-links';

/** Issue 20, point 2, the pure part: the signed token in a waitlist offer's link (names the clinic and the offer). */

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the waitlist offer token', () => {
  const tenantId = randomUUID();
  const offerId = randomUUID();

  it('names the clinic and the offer, reads back, is URL-safe and the same every time', () => {
    const token = makeOfferToken(tenantId, offerId);
    expect(readOfferToken(token)).toEqual({ tenantId, offerId });
    expect(token).toMatch(/^w1\.[A-Za-z0-9_.-]+$/);
    expect(makeOfferToken(tenantId, offerId)).toBe(token);
    expect(makeOfferToken(tenantId, randomUUID())).not.toBe(token);
    expect(offerLinkPath(token)).toBe(`/portal/waitlist/offers/${token}`);
  });

  it('refuses a changed part, a part from another clinic, another format, and a visit link’s token', () => {
    const token = makeOfferToken(tenantId, offerId);
    const parts = token.split('.');
    for (let p = 1; p < parts.length; p++) {
      const changed = parts.map((x, j) => (j === p ? `${x.slice(0, 4)}${x[4] === 'A' ? 'B' : 'A'}${x.slice(5)}` : x)).join('.');
      expect(readOfferToken(changed), `part ${p}`).toBeNull();
    }
    const other = makeOfferToken(randomUUID(), offerId).split('.');
    expect(readOfferToken([parts[0], other[1], parts[2], parts[3]].join('.'))).toBeNull();
    expect(readOfferToken(['w2', ...parts.slice(1)].join('.'))).toBeNull();
    expect(readOfferToken(parts.slice(0, 3).join('.'))).toBeNull();
    expect(readOfferToken('')).toBeNull();
    // Same secret, another label: a reminder's link is not an offer's.
    const visit = makeVisitToken(tenantId, offerId, ['confirm']).split('.');
    expect(readOfferToken(['w1', visit[1], visit[2], visit[4]].join('.'))).toBeNull();
  });

  it('is worthless once the secret changes', () => {
    const token = makeOfferToken(tenantId, offerId);
    vi.stubEnv('AUTH_SECRET', 'another-secret-that-is-long-enough-for-the-check-0123456789');
    expect(readOfferToken(token)).toBeNull();
  });
});
