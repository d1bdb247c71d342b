import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { describe, expect, it, vi } from 'vitest';

// A production start: the cookie is `__Host-` and must be cleared with Secure, or browsers
// ignore the Set-Cookie that clears it.
const response = new Headers();
const jar = new ResponseCookies(response);
vi.mock('next/headers', () => ({ cookies: async () => jar }));
vi.mock('@/lib/config/env', () => ({ isProduction: true }));
const { clearChallengeCookie, setChallengeCookie } = await import('@/lib/auth/challenge-cookie');

describe('challenge cookie', () => {
  it('is set and cleared as a __Host- cookie: Secure, Path=/, no Domain', async () => {
    await setChallengeCookie('challenge-1');
    const set = response.get('set-cookie')!;
    expect(set).toMatch(/^__Host-cb\.challenge=challenge-1;/);
    expect(set).toMatch(/; Secure/);

    await clearChallengeCookie();
    const cleared = response.get('set-cookie')!;
    expect(cleared).toMatch(/^__Host-cb\.challenge=;/);
    expect(cleared).toMatch(/; Secure/);
    expect(cleared).toMatch(/; Path=\//);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    expect(cleared).not.toMatch(/Domain=/i);
  });
});
