import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { PDF_BYTES, PNG_BYTES } from '../support/document-files';

vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());
const { serveStoredFile } = await import('@/lib/storage/serve-stored-file');
const { middleware } = await import('@/middleware');

const SANDBOX = "default-src 'none'; sandbox";
const JS_PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

let dir: string;
let store: LocalObjectStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cb-serve-'));
  store = new LocalObjectStore(dir);
  await store.put('t/p/plain', PDF_BYTES, { contentType: 'application/pdf', contentLength: PDF_BYTES.length });
  await store.put('t/p/script', JS_PDF, { contentType: 'application/pdf', contentLength: JS_PDF.length });
  await store.put('t/p/image', PNG_BYTES, { contentType: 'image/png', contentLength: PNG_BYTES.length });
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(dir, { recursive: true, force: true });
});

const serve = (storageKey: string, contentType: string, disposition: 'inline' | 'attachment', filename = 'file') =>
  serveStoredFile({ storageKey, filename, contentType, disposition });

describe('serveStoredFile', () => {
  it('sends PDFs and images with the sandboxing policy, inline or saved', async () => {
    setObjectStoreForTests(store);
    for (const [key, type] of [['t/p/plain', 'application/pdf'], ['t/p/image', 'image/png']] as const) {
      for (const disposition of ['inline', 'attachment'] as const) {
        const response = await serve(key, type, disposition, 'letter.pdf');
        expect(response.status).toBe(200);
        expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
        expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^${disposition};`));
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('cache-control')).toBe('no-store');
      }
    }
    const plain = await serve('t/p/plain', 'application/pdf', 'inline');
    expect(Buffer.from(await plain.arrayBuffer()).equals(PDF_BYTES)).toBe(true);
  });

  it('serves a PDF that asks to run JavaScript as an attachment only, whole and sandboxed', async () => {
    setObjectStoreForTests(store);
    const response = await serve('t/p/script', 'application/pdf', 'inline', 'letter.pdf');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="letter.pdf"/);
    expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
    expect(response.headers.get('content-length')).toBe(String(JS_PDF.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(JS_PDF)).toBe(true);
  });

  it('redirects only downloads to a presigned URL: a file opened in the browser comes through the app with its sandbox', async () => {
    const presigning = Object.assign(Object.create(store) as LocalObjectStore, {
      presignGet: async (key: string, options: { disposition?: string }) => `https://bucket.example/${key}?d=${options.disposition}`,
    });
    setObjectStoreForTests(presigning);
    const saved = await serve('t/p/plain', 'application/pdf', 'attachment');
    expect(saved.status).toBe(302);
    expect(saved.headers.get('location')).toBe('https://bucket.example/t/p/plain?d=attachment');
    const viewed = await serve('t/p/image', 'image/png', 'inline');
    expect(viewed.status).toBe(200);
    expect(viewed.headers.get('content-security-policy')).toBe(SANDBOX);
    const script = await serve('t/p/script', 'application/pdf', 'inline');
    expect(script.headers.get('content-disposition')).toMatch(/^attachment;/);
  });
});

describe('middleware', () => {
  it('keeps the sandbox on /api/ answers instead of the page policy', async () => {
    const response = await middleware(new NextRequest('http://sunrise.localhost:3000/api/documents/x/download?view=1'));
    expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
  });

  it('answers a server action posted from another origin with a 403 page, before any action runs', async () => {
    const request = new NextRequest('http://sunrise.localhost:3000/portal/profile', {
      method: 'POST',
      headers: { host: 'sunrise.localhost:3000', origin: 'https://evil.example', 'next-action': '00abc', 'content-type': 'text/plain;charset=UTF-8' },
      body: '[]',
    });
    const response = await middleware(request);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('Forbidden');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self' 'nonce-");
    expect(response.headers.get('x-middleware-rewrite')).toBeNull();
  });

  it('lets a same-origin server action through to its page', async () => {
    const request = new NextRequest('http://sunrise.localhost:3000/portal/profile', {
      method: 'POST',
      headers: { host: 'sunrise.localhost:3000', origin: 'http://sunrise.localhost:3000', 'next-action': '00abc' },
      body: '[]',
    });
    const response = await middleware(request);
    expect(response.status).not.toBe(403);
  });
});
