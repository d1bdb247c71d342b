import { describe, expect, it } from 'vitest';
import { DocumentInputError } from '@/lib/documents/errors';
import { detectDocumentType, downloadFilename, sanitizeFilename } from '@/lib/documents/file-checks';
import { declaredTypeFor, documentMetadataSchema } from '@/lib/documents/upload-rules';
import { contentDisposition } from '@/lib/storage/object-store';
import { EXE_BYTES, HTML_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES } from '../support/document-files';

describe('file type from bytes', () => {
  it('recognises PDF, JPEG and PNG whatever they are called', async () => {
    expect(await detectDocumentType(PDF_BYTES)).toBe('application/pdf');
    expect(await detectDocumentType(JPEG_BYTES)).toBe('image/jpeg');
    expect(await detectDocumentType(PNG_BYTES)).toBe('image/png');
  });

  it('refuses HTML, executables, text and nothing, naming the allowed types', async () => {
    for (const bytes of [HTML_BYTES, EXE_BYTES, Buffer.from('hello'), Buffer.alloc(0)]) {
      const error = await detectDocumentType(bytes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DocumentInputError);
      expect((error as Error).message).toContain('Allowed types: PDF, JPG, PNG');
    }
  });
});

describe('original file names', () => {
  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['C:\\Users\\Ann\\scan.PNG', 'scan.PNG'],
    ['report\u202Egpj.exe', 'reportgpj.exe'],
    ['tab\tand\nnewline.pdf', 'tabandnewline.pdf'],
    ['...hidden.pdf', 'hidden.pdf'],
    ['a<b>:c|d?.pdf', 'a_b__c_d_.pdf'],
    ['', 'document'],
    ['../..', 'document'],
  ])('%j -> %j', (raw, expected) => {
    expect(sanitizeFilename(raw)).toBe(expected);
  });

  it('limits the length and keeps the extension', () => {
    const long = sanitizeFilename(`${'x'.repeat(400)}.jpeg`);
    expect(long).toHaveLength(150);
    expect(long.endsWith('.jpeg')).toBe(true);
  });

  it('downloads with the extension the bytes call for', () => {
    expect(downloadFilename('scan.pdf', 'image/png')).toBe('scan.png');
    expect(downloadFilename('photo.jpeg', 'image/jpeg')).toBe('photo.jpeg');
    expect(downloadFilename('noext', 'application/pdf')).toBe('noext.pdf');
  });

  it('builds an RFC 6266 Content-Disposition with a UTF-8 name and an ASCII fallback', () => {
    expect(contentDisposition('attachment', 'Résultat "final".pdf')).toBe(
      `attachment; filename="R_sultat _final_.pdf"; filename*=UTF-8''R%C3%A9sultat%20%22final%22.pdf`,
    );
  });
});

describe('document form fields', () => {
  const valid = { typeId: '7d1c2c5e-4b0e-4f0a-9a37-0d3f1b2a4c5d', title: 'Report', examinationDate: '2025-01-31', visibleToPatient: true, sendNotification: true };

  it('accepts a complete form and refuses impossible or future dates and empty titles', () => {
    expect(documentMetadataSchema.safeParse(valid).success).toBe(true);
    for (const examinationDate of ['2025-02-30', '31/01/2025', '2999-01-01', '1850-01-01', '']) {
      expect(documentMetadataSchema.safeParse({ ...valid, examinationDate }).success).toBe(false);
    }
    expect(documentMetadataSchema.safeParse({ ...valid, title: '   ' }).success).toBe(false);
    expect(documentMetadataSchema.safeParse({ ...valid, typeId: 'report' }).success).toBe(false);
  });

  it('declares a type from the extension when the browser gives none', () => {
    expect(declaredTypeFor({ name: 'a.JPG', type: '' })).toBe('image/jpeg');
    expect(declaredTypeFor({ name: 'a.pdf', type: 'application/pdf' })).toBe('application/pdf');
    expect(declaredTypeFor({ name: 'a.exe', type: '' })).toBe('application/octet-stream');
  });
});
