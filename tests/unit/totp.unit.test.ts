import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { currentTotp, generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from '@/lib/identity/totp';

const DEMO_SECRET = 'JBSWY3DPEHPK3PXP';
const NOW = new Date('2026-03-02T09:15:10Z');
const STEP = Math.floor(NOW.getTime() / 30_000);

function at(stepOffset: number): Date {
  return new Date(NOW.getTime() + stepOffset * 30_000);
}

/** RFC 6238 written out independently, standing in for "any authenticator app". */
function referenceTotp(base32: string, time: Date): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time.getTime() / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

describe('TOTP', () => {
  it('matches the RFC 6238 test vectors (SHA-1, 6 digits)', () => {
    // The RFC's key is the ASCII "12345678901234567890".
    const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(currentTotp(rfcSecret, new Date(59_000))).toBe('287082');
    expect(currentTotp(rfcSecret, new Date(1_111_111_109_000))).toBe('081804');
    expect(currentTotp(rfcSecret, new Date(2_000_000_000_000))).toBe('279037');
  });

  it('verifies the demo secret with the code an authenticator app shows', () => {
    const appCode = referenceTotp(DEMO_SECRET, NOW);
    expect(currentTotp(DEMO_SECRET, NOW)).toBe(appCode);
    expect(verifyTotp(DEMO_SECRET, appCode, { now: NOW })).toEqual({ ok: true, step: STEP });
  });

  it('accepts one step of clock drift either way and reports the code’s own step', () => {
    expect(verifyTotp(DEMO_SECRET, currentTotp(DEMO_SECRET, at(-1)), { now: NOW })).toEqual({ ok: true, step: STEP - 1 });
    expect(verifyTotp(DEMO_SECRET, currentTotp(DEMO_SECRET, at(1)), { now: NOW })).toEqual({ ok: true, step: STEP + 1 });
  });

  it('refuses codes two steps away', () => {
    expect(verifyTotp(DEMO_SECRET, currentTotp(DEMO_SECRET, at(-2)), { now: NOW })).toEqual({ ok: false });
    expect(verifyTotp(DEMO_SECRET, currentTotp(DEMO_SECRET, at(2)), { now: NOW })).toEqual({ ok: false });
  });

  it('refuses a replayed code, and a code older than the last one used', () => {
    const code = currentTotp(DEMO_SECRET, NOW);
    const first = verifyTotp(DEMO_SECRET, code, { now: NOW, lastUsedStep: STEP - 1 });
    expect(first).toEqual({ ok: true, step: STEP });
    // Same code again, 20 seconds later: still inside the drift window, but its step is used.
    expect(verifyTotp(DEMO_SECRET, code, { now: new Date(NOW.getTime() + 20_000), lastUsedStep: STEP })).toEqual({ ok: false });
    expect(verifyTotp(DEMO_SECRET, currentTotp(DEMO_SECRET, at(-1)), { now: NOW, lastUsedStep: STEP })).toEqual({ ok: false });
    expect(verifyTotp(DEMO_SECRET, currentTotp(DEMO_SECRET, at(1)), { now: NOW, lastUsedStep: STEP })).toEqual({ ok: true, step: STEP + 1 });
  });

  it('accepts the code as displayed with a space, and refuses malformed input', () => {
    const code = currentTotp(DEMO_SECRET, NOW);
    expect(verifyTotp(DEMO_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, { now: NOW })).toMatchObject({ ok: true });
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
      expect(verifyTotp(DEMO_SECRET, bad, { now: NOW })).toEqual({ ok: false });
    }
  });

  it('refuses a code made with another secret', () => {
    const other = generateTotpSecret();
    expect(verifyTotp(DEMO_SECRET, currentTotp(other, NOW), { now: NOW })).toEqual({ ok: false });
  });

  it('generates 160-bit base32 secrets that verify', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    expect(verifyTotp(secret, referenceTotp(secret, NOW), { now: NOW })).toMatchObject({ ok: true });
  });

  it('accepts a secret typed by hand in lower case with spaces', () => {
    expect(currentTotp('jbsw y3dp ehpk 3pxp', NOW)).toBe(currentTotp(DEMO_SECRET, NOW));
  });

  it('builds an otpauth URI that authenticator apps understand', () => {
    const uri = new URL(totpUri({ secret: DEMO_SECRET, accountName: 'dr.kim@sunrise.test', issuer: 'Sunrise Family Clinic' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Sunrise Family Clinic:dr.kim@sunrise.test');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'Sunrise Family Clinic',
      secret: DEMO_SECRET,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('renders the enrolment QR code as SVG', async () => {
    const svg = await totpQrSvg(totpUri({ secret: DEMO_SECRET, accountName: 'a@b.test', issuer: 'Clinic' }));
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
    expect(svg).not.toContain(DEMO_SECRET);
  });
});
