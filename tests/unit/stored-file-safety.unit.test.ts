import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isForeignServerAction } from '@/lib/security/action-origin';
import { STORED_FILE_CSP } from '@/lib/security/headers';
import { pdfHasActiveContent } from '@/lib/security/pdf-active-content';
import { PDF_BYTES } from '../support/document-files';

const pdf = (body: string) => Buffer.from(`%PDF-1.4\n${body}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');
const withStream = (content: Buffer) => Buffer.concat([
  Buffer.from('%PDF-1.5\n2 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n', 'latin1'),
  content,
  Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
]);

describe('pdfHasActiveContent', () => {
  it('passes a plain document', () => {
    expect(pdfHasActiveContent(PDF_BYTES)).toBe(false);
    expect(pdfHasActiveContent(withStream(deflateSync(Buffer.from('<< /Type /Page /Contents 4 0 R >>'))))).toBe(false);
  });

  it('finds JavaScript, an opening action and event actions', () => {
    expect(pdfHasActiveContent(pdf('1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj'))).toBe(true);
    expect(pdfHasActiveContent(pdf('1 0 obj\n<< /Type /Catalog /OpenAction 5 0 R >>\nendobj'))).toBe(true);
    expect(pdfHasActiveContent(pdf('1 0 obj\n<< /Type /Annot /AA << /E 6 0 R >> >>\nendobj'))).toBe(true);
    expect(pdfHasActiveContent(pdf('1 0 obj\n<< /S /Launch /F (calc.exe) >>\nendobj'))).toBe(true);
  });

  it('finds names written with #xx escapes and keys inside compressed object streams', () => {
    expect(pdfHasActiveContent(pdf('1 0 obj\n<< /Type /Catalog /Open#41ction 5 0 R >>\nendobj'))).toBe(true);
    expect(pdfHasActiveContent(withStream(deflateSync(Buffer.from('<< /Type /Catalog /OpenAction << /S /JavaScript /JS (x) >> >>'))))).toBe(true);
  });

  it('does not mistake longer names for active ones', () => {
    expect(pdfHasActiveContent(pdf('1 0 obj\n<< /JSONData 1 /AAPL 2 >>\nendobj'))).toBe(false);
  });
});

describe('STORED_FILE_CSP', () => {
  it('loads nothing and sandboxes the document', () => {
    expect(STORED_FILE_CSP).toBe("default-src 'none'; sandbox");
  });
});

describe('isForeignServerAction', () => {
  const post = (headers: Record<string, string>) => isForeignServerAction('POST', new Headers({ host: 'sunrise.localhost:3000', ...headers }));

  it('refuses an action posted from another origin, a null origin or an unreadable one', () => {
    expect(post({ 'next-action': 'abc', origin: 'https://evil.example' })).toBe(true);
    expect(post({ 'next-action': 'abc', origin: 'http://other.localhost:3000' })).toBe(true);
    expect(post({ 'next-action': 'abc', origin: 'null' })).toBe(true);
    expect(post({ 'next-action': 'abc', origin: 'not a url' })).toBe(true);
    expect(post({ 'content-type': 'multipart/form-data; boundary=x', origin: 'https://evil.example' })).toBe(true);
  });

  it('lets through what Next itself lets through', () => {
    expect(post({ 'next-action': 'abc', origin: 'http://sunrise.localhost:3000' })).toBe(false);
    expect(post({ 'next-action': 'abc' })).toBe(false);
    expect(post({ 'next-action': 'abc', origin: 'https://clinic.example', 'x-forwarded-host': 'clinic.example, proxy' })).toBe(false);
    expect(isForeignServerAction('GET', new Headers({ host: 'a', 'next-action': 'x', origin: 'https://evil.example' }))).toBe(false);
    expect(post({ 'content-type': 'application/json', origin: 'https://evil.example' })).toBe(false);
  });
});
