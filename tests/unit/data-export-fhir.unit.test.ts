import { beforeAll, describe, expect, it } from 'vitest';
import { exportScope } from '@/lib/data-export/export-scope';
import { buildBundle, minorToDecimal, zipUrl, type ExportContent, type ExportedFile } from '@/lib/data-export/fhir-bundle';
import { safeFileName } from '@/lib/data-export/collect';
import { readmeText } from '@/lib/data-export/readme';
import { FULL_PROXY_AREAS, LIMITED_AREAS, PORTAL_AREAS } from '@/lib/portal-access/proxy-scope';
import { compileFhirSchema, FHIR_SCHEMA_COMPILE_MS, fhirErrors, fhirResourceErrors } from '../support/fhir-schema';

/** The FHIR mapping of "export my data" (lib/data-export/fhir-bundle.ts), on hand-made records. */

const PATIENT_ID = '11111111-1111-4111-8111-111111111111';
const PROXY_ID = '22222222-2222-4222-8222-222222222222';
const file = (path: string, contentType = 'application/pdf'): ExportedFile => ({ path, contentType, size: 1234, sha1Base64: 'qUqP5cyxm6YcTAhz05Hph5gvu9M=', sha256Hex: 'ab'.repeat(32) });

function content(overrides: Partial<ExportContent> = {}): ExportContent {
  return {
    exportId: '00000000-0000-4000-8000-000000000001',
    generatedAt: new Date('2026-03-01T10:00:00Z'),
    clinicName: 'Sunrise Clinic',
    withPersonalDetails: true,
    patient: {
      id: PATIENT_ID, recordNumber: 'SUN-0001', firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2014-04-02', sex: 'male',
      email: 'leo@example.test', phone: '+15555550101', addressLine1: '1 Main St', addressLine2: '', city: 'Chicago', region: 'IL',
      postalCode: '60601', country: 'US', preferredLanguage: 'es',
    },
    related: [
      { id: PROXY_ID, kind: 'portal_account', name: 'Maria Lopez', relationship: 'parent', email: null, phone: null, startsOn: '2025-01-01', endsOn: null },
      { id: '33333333-3333-4333-8333-333333333333', kind: 'contact', name: 'Ana Ruiz', relationship: 'caregiver', email: 'ana@example.test', phone: null, startsOn: null, endsOn: null },
    ],
    appointments: [
      {
        id: '44444444-4444-4444-8444-444444444444', status: 'completed', startsAt: new Date('2026-01-05T15:00:00Z'), endsAt: new Date('2026-01-05T15:30:00Z'),
        createdAt: new Date('2025-12-20T09:00:00Z'), serviceName: 'Check-up', providerName: 'Dr. Rivera', locationName: 'Downtown', cancelReason: null,
      },
      {
        id: '44444444-4444-4444-8444-444444444445', status: 'cancelled', startsAt: new Date('2026-02-05T15:00:00Z'), endsAt: new Date('2026-02-05T15:30:00Z'),
        createdAt: new Date('2025-12-21T09:00:00Z'), serviceName: 'Check-up', providerName: 'Dr. Rivera', locationName: 'Downtown', cancelReason: 'Patient request',
      },
    ],
    documents: [
      { id: '55555555-5555-4555-8555-555555555555', title: 'Blood test', typeName: 'Lab result', examinationDate: '2026-01-05', createdAt: new Date('2026-01-06T08:00:00Z'), contentType: 'application/pdf', file: file('files/documents/55555555-5555-4555-8555-555555555555-análisis de sangre.pdf') },
      { id: '55555555-5555-4555-8555-555555555556', title: 'Lost scan', typeName: 'Report', examinationDate: null, createdAt: new Date('2026-01-07T08:00:00Z'), contentType: 'image/png', file: null },
    ],
    responses: [{
      id: '66666666-6666-4666-8666-666666666666', status: 'submitted', submittedAt: new Date('2026-01-04T12:00:00Z'), updatedAt: new Date('2026-01-04T12:00:00Z'),
      questionnaire: { resourceType: 'Questionnaire', status: 'active', title: 'Intake', version: '1', item: [{ linkId: 'reason', type: 'string', text: 'Reason' }, { linkId: 'card', type: 'attachment', text: 'Insurance card' }] },
      items: [
        { linkId: 'reason', text: 'Reason', answer: [{ valueString: 'Cough' }] },
        { linkId: 'group', text: 'More', item: [{ linkId: 'smoker', text: 'Smoker?', answer: [{ valueBoolean: false }] }, { linkId: 'pain', text: 'Pain', answer: [{ valueCoding: { code: '2', display: 'Some' } }] }] },
        { linkId: 'card', text: 'Insurance card', answer: [{ valueAttachment: { id: '77777777-7777-4777-8777-777777777777' } }] },
        { linkId: 'gone', text: 'Old upload', answer: [{ valueAttachment: { id: '77777777-7777-4777-8777-777777777778' } }] },
      ],
      files: new Map([['77777777-7777-4777-8777-777777777777', file('files/forms/66666666-6666-4666-8666-666666666666/77777777-7777-4777-8777-777777777777.jpg', 'image/jpeg')]]),
    }],
    messages: [
      { id: '88888888-8888-4888-8888-888888888881', subject: 'Results', senderKind: 'staff', senderName: 'Dr. Rivera', senderAccountId: null, senderRelationship: null, createdAt: new Date('2026-01-06T09:00:00Z'), body: 'Your results are in.', attachments: [{ title: 'report.pdf', contentType: 'application/pdf', file: file('files/messages/a-report.pdf') }] },
      { id: '88888888-8888-4888-8888-888888888882', subject: 'Results', senderKind: 'patient', senderName: 'Maria Lopez', senderAccountId: PROXY_ID, senderRelationship: 'parent', createdAt: new Date('2026-01-06T10:00:00Z'), body: 'Thanks!', attachments: [] },
      { id: '88888888-8888-4888-8888-888888888883', subject: 'Results', senderKind: 'patient', senderName: 'Leo Lopez', senderAccountId: '99999999-9999-4999-8999-999999999999', senderRelationship: 'self', createdAt: new Date('2026-01-06T11:00:00Z'), body: '', attachments: [] },
    ],
    invoices: [
      {
        id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', number: 12, status: 'partially_paid', currency: 'USD', issueDate: '2026-01-05', dueDate: '2026-02-04',
        subtotal: 12_000, discountTotal: 1_000, taxTotal: 908, total: 11_908, note: null, voidReason: null,
        lines: [
          { position: 1, description: 'Check-up', quantity: 2, unitAmount: 5_000, discountAmount: 1_000, taxRateBp: 1000, taxAmount: 900 },
          { position: 2, description: 'Bandage', quantity: 1, unitAmount: 2_000, discountAmount: 0, taxRateBp: 40, taxAmount: 8 },
        ],
      },
      { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaab', number: 13, status: 'void', currency: 'JPY', issueDate: '2026-01-06', dueDate: null, subtotal: 500, discountTotal: 0, taxTotal: 0, total: 500, note: 'Sent twice', voidReason: 'Duplicate', lines: [{ position: 1, description: 'Fee', quantity: 1, unitAmount: 500, discountAmount: 0, taxRateBp: 0, taxAmount: 0 }] },
      { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaac', number: null, status: 'draft', currency: 'USD', issueDate: null, dueDate: null, subtotal: 0, discountTotal: 0, taxTotal: 0, total: 0, note: null, voidReason: null, lines: [] },
    ],
    ...overrides,
  };
}

// Resources are read loosely, as JSON; the schema check is what holds their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const byType = (bundle: ReturnType<typeof buildBundle>, type: string) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type) as Record<string, any>[];

describe('FHIR R4 Bundle of a patient record', () => {
  const bundle = buildBundle(content());
  beforeAll(compileFhirSchema, FHIR_SCHEMA_COMPILE_MS);

  it('is a collection whose entries are found by their urn:uuid full URLs', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', id: '00000000-0000-4000-8000-000000000001', timestamp: '2026-03-01T10:00:00.000Z' });
    for (const entry of bundle.entry) expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource.id}`);
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    const references = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
    expect(references.length).toBeGreaterThan(10);
    for (const ref of references) expect(urls.has(ref.slice('"reference":"'.length, -1)), ref).toBe(true);
  });

  it('validates against the official FHIR R4 JSON schema, resource by resource and as a whole', () => {
    for (const { resource } of bundle.entry) expect(fhirResourceErrors(resource), `${resource.resourceType}/${resource.id}`).toEqual([]);
    expect(fhirErrors(bundle)).toEqual([]);
  });

  it('the schema check can fail (an empty string, an unknown key, a wrong code)', () => {
    const patient = byType(bundle, 'Patient')[0]!;
    expect(fhirResourceErrors({ ...patient, birthDate: '' } as never)).not.toEqual([]);
    expect(fhirResourceErrors({ ...patient, favouriteColour: 'blue' } as never)).not.toEqual([]);
    expect(fhirResourceErrors({ ...byType(bundle, 'Invoice')[0]!, status: 'paid' } as never)).not.toEqual([]);
  });

  it('maps the patient, with contact details only when the records area is reached', () => {
    const [patient] = byType(bundle, 'Patient');
    expect(patient).toMatchObject({
      id: PATIENT_ID, gender: 'male', birthDate: '2014-04-02', name: [{ family: 'Lopez', given: ['Leo'], text: 'Leo Lopez' }],
      identifier: [{ value: 'SUN-0001' }], managingOrganization: { display: 'Sunrise Clinic' },
      telecom: [{ system: 'phone', value: '+15555550101' }, { system: 'email', value: 'leo@example.test' }],
      // The empty second address line is left out: FHIR strings may not be empty.
      address: [{ line: ['1 Main St'], city: 'Chicago', state: 'IL', postalCode: '60601', country: 'US' }],
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
    });
    const [bare] = byType(buildBundle(content({ withPersonalDetails: false })), 'Patient');
    expect(bare).not.toHaveProperty('telecom');
    expect(bare).not.toHaveProperty('address');
    expect(bare).not.toHaveProperty('communication');
  });

  it('maps the people linked to the patient, coded where v3 RoleCode has a code', () => {
    const [proxy, contact] = byType(bundle, 'RelatedPerson');
    expect(proxy).toMatchObject({
      id: PROXY_ID, patient: { reference: `urn:uuid:${PATIENT_ID}` }, name: [{ text: 'Maria Lopez' }], period: { start: '2025-01-01' },
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PRN' }] }],
    });
    expect(proxy).not.toHaveProperty('telecom');
    expect(contact).toMatchObject({ telecom: [{ system: 'email', value: 'ana@example.test' }], relationship: [{ text: 'caregiver' }] });
    expect(contact!.relationship[0]).not.toHaveProperty('coding');
  });

  it('maps appointments: statuses, times as instants, who and where', () => {
    const [done, cancelled] = byType(bundle, 'Appointment');
    expect(done).toMatchObject({ status: 'fulfilled', start: '2026-01-05T15:00:00.000Z', end: '2026-01-05T15:30:00.000Z', serviceType: [{ text: 'Check-up' }] });
    expect(done!.participant.map((p: { actor: { display: string } }) => p.actor.display)).toEqual(['Leo Lopez', 'Dr. Rivera', 'Downtown']);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelationReason: { text: 'Patient request' } });
  });

  it('points each document at its file inside the ZIP, with type, title, size and SHA-1 hash', () => {
    const [doc, lost] = byType(bundle, 'DocumentReference');
    expect(doc!.content[0].attachment).toEqual({
      contentType: 'application/pdf', url: 'files/documents/55555555-5555-4555-8555-555555555555-an%C3%A1lisis%20de%20sangre.pdf',
      size: 1234, hash: 'qUqP5cyxm6YcTAhz05Hph5gvu9M=', title: 'Blood test', creation: '2026-01-05',
    });
    expect(decodeURIComponent(doc!.content[0].attachment.url)).toBe('files/documents/55555555-5555-4555-8555-555555555555-análisis de sangre.pdf');
    expect(doc).toMatchObject({ status: 'current', type: { text: 'Lab result' }, description: 'Blood test', subject: { reference: `urn:uuid:${PATIENT_ID}` } });
    // A file gone from storage: the record stays, without a URL.
    expect(lost!.content[0].attachment).toEqual({ contentType: 'image/png', title: 'Lost scan' });
  });

  it('keeps form answers with their form contained, and file answers pointing into the ZIP', () => {
    const [response] = byType(bundle, 'QuestionnaireResponse');
    expect(response).toMatchObject({ status: 'completed', authored: '2026-01-04T12:00:00.000Z', questionnaire: '#form', contained: [{ resourceType: 'Questionnaire', id: 'form', title: 'Intake' }] });
    expect(response!.item[0]).toEqual({ linkId: 'reason', text: 'Reason', answer: [{ valueString: 'Cough' }] });
    expect(response!.item[1].item[0].answer).toEqual([{ valueBoolean: false }]);
    expect(response!.item[2].answer[0].valueAttachment).toMatchObject({ url: 'files/forms/66666666-6666-4666-8666-666666666666/77777777-7777-4777-8777-777777777777.jpg', contentType: 'image/jpeg', hash: 'qUqP5cyxm6YcTAhz05Hph5gvu9M=' });
    expect(response!.item[3].answer[0].valueAttachment).toEqual({ title: 'Uploaded file (no longer stored)' });
  });

  it('maps messages: staff and proxy senders, attachments, and a message with no text', () => {
    const [staff, proxy, own] = byType(bundle, 'Communication');
    expect(staff).toMatchObject({ status: 'completed', topic: { text: 'Results' }, sender: { display: 'Dr. Rivera' }, recipient: [{ reference: `urn:uuid:${PATIENT_ID}` }] });
    expect(staff!.payload).toEqual([{ contentString: 'Your results are in.' }, { contentAttachment: expect.objectContaining({ url: 'files/messages/a-report.pdf', title: 'report.pdf' }) }]);
    expect(proxy!.sender).toEqual({ reference: `urn:uuid:${PROXY_ID}`, display: 'Maria Lopez' });
    expect(proxy!.recipient).toEqual([{ display: 'Sunrise Clinic' }]);
    expect(own!.sender).toMatchObject({ reference: `urn:uuid:${PATIENT_ID}` });
    expect(own!.payload).toEqual([{ contentString: '(no text)' }]);
  });

  it('maps invoices with decimal money from integer minor units, leaving drafts out', () => {
    const invoices = byType(bundle, 'Invoice');
    expect(invoices).toHaveLength(2);
    const [open, voided] = invoices;
    expect(open).toMatchObject({ status: 'issued', identifier: [{ value: '12' }], date: '2026-01-05', totalNet: { value: 110, currency: 'USD' }, totalGross: { value: 119.08, currency: 'USD' }, note: [{ text: 'Due 2026-02-04.' }] });
    expect(open!.lineItem[0].priceComponent).toEqual([
      { type: 'base', factor: 2, amount: { value: 50, currency: 'USD' } },
      { type: 'discount', amount: { value: 10, currency: 'USD' } },
      { type: 'tax', factor: 0.1, amount: { value: 9, currency: 'USD' } },
    ]);
    expect(open!.lineItem[1].priceComponent[1]).toEqual({ type: 'tax', factor: 0.004, amount: { value: 0.08, currency: 'USD' } });
    expect(voided).toMatchObject({ status: 'cancelled', cancelledReason: 'Duplicate', totalGross: { value: 500, currency: 'JPY' } });
  });
});

describe('helpers', () => {
  it('turns minor units into decimals without float drift', () => {
    expect(minorToDecimal(11_908, 'USD')).toBe(119.08);
    expect(minorToDecimal(5, 'USD')).toBe(0.05);
    expect(minorToDecimal(-1_999, 'EUR')).toBe(-19.99);
    expect(minorToDecimal(500, 'JPY')).toBe(500);
    expect(minorToDecimal(1_234_567, 'KWD')).toBe(1234.567);
    // Cent amounts up to $10,000 read back as their own decimal text.
    const wrong: number[] = [];
    for (let minor = 0; minor <= 1_000_000; minor += 101) {
      const text = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`.replace(/\.?0+$/, '');
      if (String(minorToDecimal(minor, 'USD')) !== (text || '0')) wrong.push(minor);
    }
    expect(wrong).toEqual([]);
  });

  it('makes file names safe inside a ZIP and URLs of their paths', () => {
    expect(safeFileName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFileName('informe médico (1).pdf')).toBe('informe_médico_1_.pdf');
    expect(safeFileName('...', 'file.pdf')).toBe('file.pdf');
    expect(safeFileName('C:\\Users\\x\u0000.png')).toBe('C_Users_x_.png');
    expect(zipUrl('files/documents/a b#c.pdf')).toBe('files/documents/a%20b%23c.pdf');
  });

  it('decides the parts of an export from the areas a link opens', () => {
    expect(exportScope(PORTAL_AREAS, true)).toEqual({ personalDetails: true, appointments: true, documents: true, forms: true, messages: true, invoices: true, hiddenFromProxies: true });
    expect(exportScope(FULL_PROXY_AREAS, false)).toMatchObject({ documents: true, hiddenFromProxies: false });
    expect(exportScope([...LIMITED_AREAS, 'export'], false)).toEqual({ personalDetails: false, appointments: true, documents: false, forms: false, messages: true, invoices: true, hiddenFromProxies: false });
  });

  it('writes the README in English and Spanish, listing files and what is missing', () => {
    const input = { clinicName: 'Sunrise', generatedAt: new Date('2026-03-01T10:00:00Z'), counts: { appointments: 1, documents: 2, forms: 0, messages: 3, invoices: 0, people: 1 }, files: [{ path: 'files/documents/x.pdf', size: 10, sha256Hex: 'ff' }], missing: ['files/documents/y.png'], partial: true };
    const en = readmeText('en', input);
    expect(en).toContain('Your data from Sunrise');
    expect(en).toContain('files/documents/x.pdf  10  ff');
    expect(en).toContain('files/documents/y.png');
    expect(en).toContain('your access reaches');
    const es = readmeText('es', input);
    expect(es).toContain('Sus datos de Sunrise');
    expect(es).toContain('Documentos: 2');
  });
});
