import { encode } from '@auth/core/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requiredSecret } from '@/lib/config/env';
import { cookieName, sessionCookie, withRequest } from '../support/action-harness';

vi.mock('server-only', () => ({}));
vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { readSessionId } = await import('@/lib/auth/session-token');

/** Reading the session id from the Auth.js cookie without Auth.js's session endpoint. */

const HOST = 'sunrise.localhost:3000';
const SID = '0b6f3b8e-3c2e-4c55-9a53-7a3f3c1d2e10';

function read(kind: 'portal' | 'staff' | 'operator', cookies: Record<string, string>) {
  return withRequest({ host: HOST, cookies }, () => readSessionId(kind));
}

async function token(kind: 'portal' | 'staff', claims: Record<string, unknown>, maxAge: number, salt = cookieName(kind)) {
  return encode({ token: claims, secret: requiredSecret('AUTH_SECRET'), salt, maxAge });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readSessionId', () => {
  it('reads the session id from the cookie Auth.js issued, twice (the second from memory)', async () => {
    const cookies = await sessionCookie('portal', SID);
    expect(await read('portal', cookies)).toBe(SID);
    expect(await read('portal', cookies)).toBe(SID);
  });

  it('has no session without a cookie, or with another kind of session cookie', async () => {
    expect(await read('portal', {})).toBeNull();
    expect(await read('staff', await sessionCookie('portal', SID))).toBeNull();
  });

  it('refuses a token for another cookie name (each cookie derives its own key)', async () => {
    const staffToken = await token('staff', { sid: SID }, 3600);
    expect(await read('portal', { [cookieName('portal')]: staffToken })).toBeNull();
  });

  it('refuses a tampered or garbage token', async () => {
    const value = (await sessionCookie('portal', SID))[cookieName('portal')]!;
    const parts = value.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await read('portal', { [cookieName('portal')]: parts.join('.') })).toBeNull();
    expect(await read('portal', { [cookieName('portal')]: 'not-a-token' })).toBeNull();
    expect(await read('portal', { [cookieName('portal')]: '' })).toBeNull();
  });

  it('refuses a token without a session id', async () => {
    expect(await read('portal', { [cookieName('portal')]: await token('portal', { sub: 'x' }, 3600) })).toBeNull();
  });

  it('refuses an expired token, also once it is remembered', async () => {
    expect(await read('portal', { [cookieName('portal')]: await token('portal', { sid: SID }, -3600) })).toBeNull();
    const cookies = { [cookieName('portal')]: await token('portal', { sid: SID }, 60) };
    expect(await read('portal', cookies)).toBe(SID);
    const later = Date.now() + 61_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    expect(await read('portal', cookies)).toBeNull();
  });

  it('joins a cookie Auth.js split into chunks', async () => {
    const value = (await sessionCookie('portal', SID))[cookieName('portal')]!;
    const half = Math.floor(value.length / 2);
    const name = cookieName('portal');
    expect(await read('portal', { [`${name}.1`]: value.slice(half), [`${name}.0`]: value.slice(0, half) })).toBe(SID);
  });
});
