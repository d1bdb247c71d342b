import { PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HandoutSheet } from '@/components/crm/handout-sheet';
import { buildHandout, type Handout, type HandoutBlock } from '@/lib/handout/content';
import type { HandoutFacts } from '@/lib/handout/facts';
import { parseHandoutOptions } from '@/lib/handout/handout';
import { embeddableImageType } from '@/lib/handout/logo';
import { renderHandoutPdf } from '@/lib/handout/pdf';
import { portalHost, portalUrl } from '@/lib/handout/portal-address';
import { handoutNoteSchema, HANDOUT_NOTE_MAX } from '@/lib/handout/schemas';
import { pdfText } from '../support/pdf-text';

/** The portal handout (seed 003): what it says follows each clinic's settings, in each language. */

const sunrise: HandoutFacts = {
  clinicName: 'Sunrise Family Clinic',
  primaryColor: '#0f766e',
  logoUrl: null,
  portalHost: 'sunrise.localhost',
  portalUrl: 'http://sunrise.localhost:3000/portal',
  portalEnabled: true,
  identificationMode: 'email',
  nationalIdLabel: 'SSN',
  accessMode: 'manual',
  messagingPolicy: 'reply_only',
  patientUploadsAllowed: false,
  onlineBooking: true,
  forms: false,
  homeActivities: false,
  contactPhone: '(555) 555-0100',
  note: null,
  defaultLanguage: 'en',
};

const harbor: HandoutFacts = {
  ...sunrise,
  clinicName: 'Harbor Dermatology',
  primaryColor: '#1d4ed8',
  portalHost: 'portal.harbor-derm.test',
  portalUrl: 'https://portal.harbor-derm.test/portal',
  identificationMode: 'national_id',
  nationalIdLabel: 'SSN',
  accessMode: 'automatic',
  messagingPolicy: 'never_initiate',
};

const block = <K extends HandoutBlock['id']>(h: Handout, id: K) => h.blocks.find((b) => b.id === id) as (HandoutBlock & { id: K }) | undefined;
const featureKeys = (h: Handout) => block(h, 'features')!.items.map((i) => i.key);
const everything = (h: Handout) => JSON.stringify(h);

describe('the handout content', () => {
  it('prints the brand and the portal address, and the clinic’s own paragraph only when it has one', () => {
    const h = buildHandout(sunrise, 'en');
    expect(h.clinicName).toBe('Sunrise Family Clinic');
    expect(h.brandColor).toBe('#0f766e');
    expect(h.address.url).toBe('http://sunrise.localhost:3000/portal');
    expect(h.documentTitle).toBe('Sunrise Family Clinic patient portal');
    expect(block(h, 'note')).toBeUndefined();

    const noted = buildHandout({ ...sunrise, note: 'Open Monday to Friday.\nCall us first.\n\nParking is free.' }, 'en');
    expect(block(noted, 'note')).toEqual({ kind: 'text', id: 'note', heading: 'A note from Sunrise Family Clinic', paragraphs: ['Open Monday to Friday.\nCall us first.', 'Parking is free.'] });
  });

  it('says how to get in for an email clinic with manual access: invitation and portal ID, no self-service', () => {
    const h = buildHandout(sunrise, 'en');
    expect(h.blocks.map((b) => b.id)).toEqual(['features', 'getting-started', 'invite', 'portal-id', 'sign-in']);
    expect(block(h, 'getting-started')!.paragraphs.join(' ')).toContain('The clinic opens portal accounts');
    expect(block(h, 'portal-id')!.steps).toEqual([
      'Open the portal address and choose “Activate account”.',
      'Enter the 6-digit portal ID printed on the sheet the clinic gave you, the first letters of your first and last names, and your date of birth.',
      'Enter your email address and choose a password.',
      'Enter the 6-digit code we text to your mobile phone.',
    ]);
    expect(block(h, 'sign-in')!.steps[0]).toBe('Open the portal address and enter your email and password.');
    expect(block(h, 'sign-in')!.after).toBe('Forgot your password? Choose “Forgot password?” on the sign-in page.');
    expect(everything(h)).not.toContain('Set up your account');
  });

  it('adds the self-service steps for automatic access and names the national ID for a national-ID clinic', () => {
    const h = buildHandout(harbor, 'en');
    expect(h.blocks.map((b) => b.id)).toEqual(['features', 'getting-started', 'self-service', 'invite', 'portal-id', 'sign-in']);
    expect(block(h, 'self-service')!.steps).toEqual([
      'Open the portal address and choose “Set up your account”.',
      'Enter your SSN.',
      'Enter the 6-digit code we text to your mobile phone.',
      'Choose a password.',
    ]);
    expect(block(h, 'portal-id')!.steps[2]).toBe('Choose a password. You will sign in with your SSN.');
    expect(block(h, 'sign-in')!.steps[0]).toBe('Open the portal address and enter your SSN and password.');
    expect(everything(h)).not.toContain('The clinic opens portal accounts');
    expect(everything(h)).not.toContain('email and password');

    const taj = buildHandout({ ...harbor, nationalIdLabel: 'TAJ' }, 'en');
    expect(block(taj, 'sign-in')!.steps[0]).toBe('Open the portal address and enter your TAJ and password.');
  });

  it('lists only what the clinic has switched on', () => {
    expect(featureKeys(buildHandout(sunrise, 'en'))).toEqual(['bookings', 'documents', 'messages', 'personal-data', 'history', 'family']);
    const all = buildHandout({ ...sunrise, patientUploadsAllowed: true, forms: true, homeActivities: true }, 'en');
    expect(featureKeys(all)).toEqual(['bookings', 'forms', 'documents', 'uploads', 'messages', 'home-activities', 'personal-data', 'history', 'family']);
    expect(featureKeys(buildHandout({ ...sunrise, forms: true }, 'en'))).toContain('forms');
    expect(featureKeys(buildHandout({ ...sunrise, forms: true }, 'en'))).not.toContain('home-activities');
  });

  it('words bookings and messages after the clinic’s booking and messaging rules', () => {
    const text = (facts: HandoutFacts, key: string) => block(buildHandout(facts, 'en'), 'features')!.items.find((i) => i.key === key)!.text;
    expect(text(sunrise, 'bookings')).toBe('Book, reschedule or cancel visits online, and see what is coming up.');
    expect(text({ ...sunrise, onlineBooking: false }, 'bookings')).toBe('See your upcoming visits. To book or change a visit, contact the clinic.');
    expect(text(sunrise, 'messages')).toBe('Read the clinic’s messages and answer them.');
    expect(text(harbor, 'messages')).toBe('Read the clinic’s messages and answer them.');
    expect(text({ ...sunrise, messagingPolicy: 'assigned_only' }, 'messages')).toBe('Write to the staff who look after you, and read and answer the clinic’s messages.');
    expect(text({ ...sunrise, messagingPolicy: 'all_clients' }, 'messages')).toBe('Write to the clinic, and read and answer its messages.');
  });

  it('is written in the chosen portal language, with the portal’s own button names', () => {
    const h = buildHandout({ ...harbor, patientUploadsAllowed: true }, 'es');
    expect(h.lang).toBe('es-US');
    expect(h.heading).toBe('Su portal del paciente');
    expect(block(h, 'self-service')!.steps[0]).toBe('Abra la dirección del portal y elija «Configure su cuenta».');
    expect(block(h, 'portal-id')!.steps[0]).toBe('Abra la dirección del portal y elija «Activar cuenta».');
    expect(block(h, 'features')!.items.map((i) => i.title)).toEqual(['Citas', 'Documentos', 'Enviar archivos', 'Mensajes', 'Mis datos', 'Historial', 'Familia']);
    expect(h.footer[0]).toBe('El portal está disponible en English y Español. Elija su idioma en la página de inicio de sesión o en «Configuración».');
    expect(everything(h)).not.toMatch(/\{\w+\}/);
    // The address and the clinic's paragraph are the same in every language.
    expect(h.address.url).toBe(buildHandout(harbor, 'en').address.url);
  });

  it('gives the clinic’s phone when a location has one, else the front desk', () => {
    expect(buildHandout(sunrise, 'en').footer.at(-1)).toBe('Questions? Call Sunrise Family Clinic at (555) 555-0100.');
    expect(buildHandout({ ...sunrise, contactPhone: null }, 'en').footer.at(-1)).toBe('Questions? Ask at the front desk of Sunrise Family Clinic.');
  });
});

describe('the portal address', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const later = new Date('2026-02-01T00:00:00Z');

  it('is the verified custom domain when there is one, else the subdomain', () => {
    const sub = { kind: 'subdomain' as const, hostname: 'harbor', verifiedAt: at };
    expect(portalHost([sub], 'carebridge.app')).toBe('harbor.carebridge.app');
    expect(portalHost([sub, { kind: 'custom', hostname: 'portal.harbor.test', verifiedAt: null }], 'carebridge.app')).toBe('harbor.carebridge.app');
    expect(portalHost([sub, { kind: 'custom', hostname: 'portal.harbor.test', verifiedAt: at }], 'carebridge.app')).toBe('portal.harbor.test');
    expect(portalHost([
      sub, { kind: 'custom', hostname: 'b.harbor.test', verifiedAt: later }, { kind: 'custom', hostname: 'a.harbor.test', verifiedAt: at },
    ], 'carebridge.app')).toBe('a.harbor.test');
    expect(portalHost([], 'carebridge.app')).toBeNull();
  });

  it('is https on the default port in production, and this server’s scheme and port elsewhere', () => {
    expect(portalUrl('portal.harbor.test', 'http://harbor.localhost:3000', true)).toBe('https://portal.harbor.test/portal');
    expect(portalUrl('portal.harbor.test', 'http://harbor.localhost:3000', false)).toBe('http://portal.harbor.test:3000/portal');
    expect(portalUrl('sunrise.localhost', 'https://sunrise.localhost', false)).toBe('https://sunrise.localhost/portal');
    expect(portalUrl('sunrise.localhost', 'not a url', false)).toBe('http://sunrise.localhost/portal');
  });
});

describe('the handout options and paragraph', () => {
  it('takes a portal language and a paper size, and refuses anything else', () => {
    expect(parseHandoutOptions({})).toEqual({ ok: true, lang: null, paper: 'letter' });
    expect(parseHandoutOptions({ lang: 'es', paper: 'a4' })).toEqual({ ok: true, lang: 'es', paper: 'a4' });
    expect(parseHandoutOptions({ lang: 'fr' }).ok).toBe(false);
    expect(parseHandoutOptions({ lang: '__proto__' }).ok).toBe(false);
    expect(parseHandoutOptions({ paper: 'toString' }).ok).toBe(false);
  });

  it('keeps line breaks, saves a blank paragraph as none and refuses one too long or with control characters', () => {
    expect(handoutNoteSchema.parse({ note: '  Open daily.\r\n\r\nParking is free.  ' })).toEqual({ note: 'Open daily.\n\nParking is free.' });
    expect(handoutNoteSchema.parse({ note: '   ' })).toEqual({ note: null });
    expect(handoutNoteSchema.parse({})).toEqual({ note: null });
    expect(handoutNoteSchema.safeParse({ note: 'x'.repeat(HANDOUT_NOTE_MAX + 1) }).success).toBe(false);
    expect(handoutNoteSchema.safeParse({ note: 'bell\u0007' }).success).toBe(false);
    expect(handoutNoteSchema.safeParse({ note: 'ok', handoutNote: 'mass assignment' }).success).toBe(false);
  });
});

describe('the handout PDF', () => {
  // A 1×1 PNG.
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

  it('knows PNG and JPEG from their bytes and nothing else', () => {
    expect(embeddableImageType(PNG)).toBe('png');
    expect(embeddableImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('jpeg');
    expect(embeddableImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(embeddableImageType(new Uint8Array())).toBeNull();
  });

  it('writes the handout’s words, the address as a link, the title and language', async () => {
    const handout = buildHandout({ ...harbor, patientUploadsAllowed: true, note: 'Parking is free at the Seaport garage.' }, 'es');
    const bytes = await renderHandoutPdf(handout, { logo: { type: 'png', bytes: PNG }, paper: 'a4' });
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = pdfText(bytes);
    expect(text).toContain('https://portal.harbor-derm.test/portal');
    expect(text).toContain('Su portal del paciente');
    expect(text).toContain('Parking is free at the Seaport garage.');
    expect(text).toContain('Enviar archivos');
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(doc.getTitle()).toBe('Portal del paciente de Harbor Dermatology');
    const [width, height] = [doc.getPage(0).getWidth(), doc.getPage(0).getHeight()];
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    // The address box is a link to the portal.
    const annots = doc.getPage(0).node.Annots()!;
    const link = doc.context.lookup(annots.get(0), PDFDict);
    const action = link.lookup(PDFName.of('A'), PDFDict);
    expect(action.lookup(PDFName.of('URI'), PDFString).decodeText()).toBe('https://portal.harbor-derm.test/portal');
  });

  it('writes text the standard font cannot encode without its accent instead of failing, and flows onto more pages', async () => {
    const note = `Rendelési idő: hétfőtől péntekig. Őrző. 你好 ✓\n\n${'A long paragraph that keeps going. '.repeat(120)}`;
    const bytes = await renderHandoutPdf(buildHandout({ ...sunrise, note }, 'en'));
    const text = pdfText(bytes);
    expect(text).toContain('Rendelési ido: hétfotol péntekig. Orzo. ?? ?');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThan(1);
    expect([Math.round(doc.getPage(0).getWidth()), Math.round(doc.getPage(0).getHeight())]).toEqual([612, 792]);
    // Every page carries the address at its foot.
    expect(text.split('Sunrise Family Clinic · http://sunrise.localhost:3000/portal').length - 1).toBe(doc.getPageCount());
  });
});

describe('the print view', () => {
  it('lays out the same content, in the handout’s language, with one heading level per section', () => {
    const handout = buildHandout({ ...harbor, note: 'Parking is free.' }, 'es');
    const html = renderToStaticMarkup(createElement(HandoutSheet, { handout }));
    expect(html).toContain('<article lang="es-US"');
    expect(html).toContain('<h1 class="text-3xl font-semibold tracking-tight">Su portal del paciente</h1>');
    expect(html.match(/<h2 /g)).toHaveLength(handout.blocks.length);
    expect(html).toContain('https://portal.harbor-derm.test/portal');
    expect(html).toContain('Un mensaje de Harbor Dermatology');
    const preview = renderToStaticMarkup(createElement(HandoutSheet, { handout, level: 3 }));
    expect(preview).not.toMatch(/<h[12] /);
    expect(preview.match(/<h4 /g)).toHaveLength(handout.blocks.length);
  });
});
