import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addressPolicyFromEnv, clientAddress, CLIENT_IP_HEADER } from '@/lib/http/client-address';
import { clientInfoFromHeaders } from '@/lib/http/client-info';
import { installSocketAddressStamp, SOCKET_ADDRESS_HEADER } from '@/lib/http/socket-address-stamp';

const direct = { trustedProxyHops: 0, onVercel: false };
const h = (init: Record<string, string>) => new Headers(init);

afterEach(() => vi.unstubAllEnvs());

describe('clientAddress', () => {
  it('ignores X-Forwarded-For without a trusted proxy and uses the socket address', () => {
    expect(clientAddress(h({ 'x-forwarded-for': '198.51.100.9', 'x-real-ip': '198.51.100.9' }), '203.0.113.5', direct)).toBe('203.0.113.5');
    expect(clientAddress(h({ 'x-forwarded-for': '198.51.100.9' }), null, direct)).toBeNull();
  });

  it('with N trusted proxies takes the N-th entry from the right; what the client prepended is ignored', () => {
    const xff = { 'x-forwarded-for': '6.6.6.6, 198.51.100.9, 10.0.0.2' };
    expect(clientAddress(h(xff), '10.0.0.3', { trustedProxyHops: 1, onVercel: false })).toBe('10.0.0.2');
    expect(clientAddress(h(xff), '10.0.0.3', { trustedProxyHops: 2, onVercel: false })).toBe('198.51.100.9');
    // A chain shorter than the proxies was written by them alone.
    expect(clientAddress(h({ 'x-forwarded-for': '198.51.100.9' }), '10.0.0.3', { trustedProxyHops: 2, onVercel: false })).toBe('198.51.100.9');
    // No header at all: the peer is the client (a request that skipped the proxy).
    expect(clientAddress(h({}), '10.0.0.3', { trustedProxyHops: 1, onVercel: false })).toBe('10.0.0.3');
    // The trusted entry must be an address, not text the client chose.
    expect(clientAddress(h({ 'x-forwarded-for': 'evil, <script>' }), '10.0.0.3', { trustedProxyHops: 1, onVercel: false })).toBeNull();
  });

  it('on Vercel reads only Vercel’s own header', () => {
    const vercel = { trustedProxyHops: 0, onVercel: true };
    expect(clientAddress(h({ 'x-vercel-forwarded-for': '198.51.100.9', 'x-forwarded-for': '6.6.6.6' }), '10.0.0.1', vercel)).toBe('198.51.100.9');
    expect(clientAddress(h({ 'x-forwarded-for': '6.6.6.6' }), '10.0.0.1', vercel)).toBeNull();
  });

  it('writes IPv4 peers of a dual-stack socket one way', () => {
    expect(clientAddress(h({}), '::ffff:203.0.113.5', direct)).toBe('203.0.113.5');
    expect(clientAddress(h({}), '2001:DB8::1', direct)).toBe('2001:db8::1');
  });

  it('reads the policy from TRUSTED_PROXY_HOPS and VERCEL', () => {
    expect(addressPolicyFromEnv({})).toEqual(direct);
    expect(addressPolicyFromEnv({ TRUSTED_PROXY_HOPS: '2' })).toEqual({ trustedProxyHops: 2, onVercel: false });
    expect(addressPolicyFromEnv({ TRUSTED_PROXY_HOPS: 'x', VERCEL: '1' })).toEqual({ trustedProxyHops: 0, onVercel: true });
  });

  it('pages read only the address middleware passed on, never X-Forwarded-For', () => {
    expect(clientInfoFromHeaders(h({ 'x-forwarded-for': '6.6.6.6' })).ip).toBeNull();
    expect(clientInfoFromHeaders(h({ [CLIENT_IP_HEADER]: '203.0.113.5' })).ip).toBe('203.0.113.5');
  });
});

/**
 * The whole chain on a real socket: the server's stamp, then middleware, then what a page reads.
 * The client sends a spoofed X-Forwarded-For and spoofed internal headers; none of them counts.
 */
async function throughServer(headers: Record<string, string>): Promise<string | null> {
  installSocketAddressStamp();
  const { middleware } = await import('@/middleware');
  const server = http.createServer(async (req, res) => {
    const request = new NextRequest(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> });
    const response = await middleware(request);
    res.end(response.headers.get(`x-middleware-request-${CLIENT_IP_HEADER}`) ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<string | null>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/health', headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body || null));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('a spoofed X-Forwarded-For through the server and middleware', () => {
  const spoofed = { 'x-forwarded-for': '6.6.6.6', [SOCKET_ADDRESS_HEADER]: '6.6.6.7', [CLIENT_IP_HEADER]: '6.6.6.8' };

  it('is ignored without a trusted proxy: the socket address is passed on', async () => {
    vi.resetModules();
    expect(await throughServer(spoofed)).toBe('127.0.0.1');
  });

  it('counts only the entry our proxy appended when TRUSTED_PROXY_HOPS=1', async () => {
    vi.stubEnv('TRUSTED_PROXY_HOPS', '1');
    vi.resetModules();
    expect(await throughServer({ ...spoofed, 'x-forwarded-for': '6.6.6.6, 198.51.100.9' })).toBe('198.51.100.9');
  });
});
