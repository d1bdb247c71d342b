import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeVisitToken, readVisitToken, visitActionLinks } from '@/lib/scheduling/visit-links';

/**
 * Issue 18, point 3, the pure part: the token in a reminder's confirm / cancel links (signed,
 * naming the clinic, the appointment and what it allows).
 */

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the visit link token', () => {
  const tenantId = randomUUID();
  const appointmentId = randomUUID();

  it('names the clinic, the appointment and what it allows, and reads back', () => {
    const token = makeVisitToken(tenantId, appointmentId);
    expect(readVisitToken(token)).toEqual({ tenantId, appointmentId, allows: ['confirm', 'cancel'] });
    expect(readVisitToken(makeVisitToken(tenantId, appointmentId, ['cancel']))).toEqual({ tenantId, appointmentId, allows: ['cancel'] });
    expect(readVisitToken(makeVisitToken(tenantId, appointmentId, ['cancel', 'confirm']))).toEqual({ tenantId, appointmentId, allows: ['confirm', 'cancel'] });
    expect(token.startsWith('v1.')).toBe(true);
    // URL-safe, so it fits in a path segment as it is.
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('is the same every time for one appointment (a resent reminder carries the same link), and differs between appointments and clinics', () => {
    const a = makeVisitToken(tenantId, appointmentId);
    expect(makeVisitToken(tenantId, appointmentId)).toBe(a);
    expect(makeVisitToken(tenantId, randomUUID())).not.toBe(a);
    expect(makeVisitToken(randomUUID(), appointmentId)).not.toBe(a);
    expect(makeVisitToken(tenantId, appointmentId, ['confirm'])).not.toBe(a);
  });

  it('refuses a token with any character changed, a part moved from another token, or another format', () => {
    const token = makeVisitToken(tenantId, appointmentId);
    const parts = token.split('.');
    parts.forEach((part, p) => {
      for (let i = 0; i < part.length; i++) {
        const changed = part.slice(0, i) + (part[i] === 'A' ? 'B' : 'A') + part.slice(i + 1);
        // The last base64url character may carry padding bits only: a change there alters no byte.
        if (p > 0 && p !== 3 && Buffer.from(changed, 'base64url').equals(Buffer.from(part, 'base64url'))) continue;
        expect(readVisitToken(parts.map((x, j) => (j === p ? changed : x)).join('.')), `part ${p}, character ${i}`).toBeNull();
      }
    });
    // Another clinic's id put in front of this appointment: the signature fails.
    const other = makeVisitToken(randomUUID(), appointmentId).split('.');
    expect(readVisitToken([parts[0], other[1], parts[2], parts[3], parts[4]].join('.'))).toBeNull();
    // A confirm-only link widened to cancel as well.
    const confirmOnly = makeVisitToken(tenantId, appointmentId, ['confirm']).split('.');
    expect(readVisitToken([...confirmOnly.slice(0, 3), 'cx', confirmOnly[4]].join('.'))).toBeNull();
    expect(readVisitToken(['v2', ...parts.slice(1)].join('.'))).toBeNull();
    expect(readVisitToken(parts.slice(0, 4).join('.'))).toBeNull();
    expect(readVisitToken('not-a-real-token')).toBeNull();
    expect(readVisitToken('')).toBeNull();
  });

  it('is worthless once the secret changes (a forged signature fails)', () => {
    const token = makeVisitToken(tenantId, appointmentId);
    vi.stubEnv('AUTH_SECRET', 'another-secret-entirely-0000000000000000');
    expect(readVisitToken(token)).toBeNull();
  });

  it('refuses to make a token for something that is not an id, or that allows nothing', () => {
    expect(() => makeVisitToken('sunrise', appointmentId)).toThrow();
    expect(() => makeVisitToken(tenantId, 'appointment-1')).toThrow();
    expect(() => makeVisitToken(tenantId, appointmentId, [])).toThrow();
  });
});

describe('the links a reminder carries', () => {
  it('open the one page on the clinic host, saying which button the patient came for', () => {
    vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
    const tenantId = randomUUID();
    const appointmentId = randomUUID();
    const token = makeVisitToken(tenantId, appointmentId);
    expect(visitActionLinks('sunrise', tenantId, appointmentId)).toEqual({
      confirmUrl: `https://sunrise.carebridge.example/portal/visit/${token}?intent=confirm`,
      cancelUrl: `https://sunrise.carebridge.example/portal/visit/${token}?intent=cancel`,
    });
  });
});
