import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineMessages,
  formatters,
  interpolate,
  interpolateParts,
  isTimeZone,
  messagesFor,
  pickMessages,
  placeholders,
  toLocale,
  translator,
  type Catalog,
  type Messages,
} from '@/lib/i18n/core';
import { VisitTime } from '@/components/portal/visit-time';
import { portalHistory } from '@/lib/i18n/messages/portal-history';
import { relationshipLabel } from '@/lib/patients/display';
import { isUpcoming, visitChange, visitStatusLabel } from '@/lib/scheduling/visit-display';

// ICU writes some spaces as no-break or narrow no-break spaces; the words are what matters here.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('interpolate', () => {
  it('fills named placeholders and leaves unknown ones visible', () => {
    expect(interpolate('Hello, {name}', { name: 'Maria' })).toBe('Hello, Maria');
    expect(interpolate('{count} documents', { count: 3 })).toBe('3 documents');
    expect(interpolate('{a} and {b}', { a: 'x' })).toBe('x and {b}');
    expect(interpolate('No vars {here}')).toBe('No vars {here}');
  });

  it('splits around element placeholders, keeping the translation’s word order', () => {
    const link = { el: 'link' };
    expect(interpolateParts('Earlier documents are under {link}.', { link })).toEqual(['Earlier documents are under ', link, '.']);
    expect(interpolateParts('{link} first', { link })).toEqual([link, ' first']);
    expect(interpolateParts('Keep {other} text', { link })).toEqual(['Keep {other} text']);
  });

  it('lists placeholders once, sorted', () => {
    expect(placeholders('{b} {a} {b}')).toEqual(['a', 'b']);
    expect(placeholders('none')).toEqual([]);
  });
});

describe('translator', () => {
  const catalog = defineMessages({ greet: 'Hello, {name}', bye: 'Bye' }, { greet: 'Hola, {name}', bye: '' });

  it('uses the language asked for', () => {
    expect(translator(catalog, 'es')('greet', { name: 'Leo' })).toBe('Hola, Leo');
    expect(translator(catalog, 'en')('greet', { name: 'Leo' })).toBe('Hello, Leo');
  });

  it('falls back to English for a blank or missing translation, then to the key', () => {
    expect(translator(catalog, 'es')('bye')).toBe('Bye');
    const partial = { en: { only: 'Only English' }, es: {} } as unknown as Catalog<{ only: string }>;
    expect(translator(partial, 'es')('only')).toBe('Only English');
    expect(translator(catalog, 'es')('nope' as 'bye')).toBe('nope');
  });

  it('hands plain strings to client components and accepts only known languages', () => {
    expect(messagesFor(catalog, 'es').greet).toBe('Hola, {name}');
    // Only the words a component shows: nothing else of the catalogue reaches the page.
    expect(pickMessages(catalog, 'es', ['greet'])).toEqual({ greet: 'Hola, {name}' });
    expect(toLocale('es')).toBe('es');
    expect(toLocale('fr')).toBe('en');
    expect(toLocale(undefined)).toBe('en');
  });
});

describe('formatters', () => {
  const instant = new Date('2026-11-24T16:30:00Z');
  const summer = new Date('2026-07-14T15:00:00Z');
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it('writes a date and time the English way and the Spanish way, in the zone given', () => {
    const en = formatters('en');
    const es = formatters('es');
    expect(plain(en.dateTime(instant, 'America/Chicago'))).toBe('Tue, Nov 24, 2026, 10:30 AM CST');
    expect(plain(es.dateTime(instant, 'America/Chicago'))).toMatch(/^mar, 24 de nov\.? de 2026, 10:30 a\. ?m\. CST$/);
    expect(plain(en.time(instant, 'Europe/Madrid'))).toBe('5:30 PM');
    expect(en.day(instant, 'America/Chicago')).toBe('Tuesday, November 24');
    expect(es.day(instant, 'America/Chicago')).toBe('martes, 24 de noviembre');
  });

  it('never shifts a calendar date, whatever zone the server runs in', () => {
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
      process.env.TZ = tz;
      expect(formatters('en').calendarDate('2026-01-01')).toBe('Jan 1, 2026');
      expect(plain(formatters('es').calendarDate('2026-01-01'))).toMatch(/^1 ene\.? 2026$/);
      expect(formatters('en').calendarDay('2026-11-24')).toBe('Tuesday, November 24');
      expect(formatters('es').calendarDay('2026-11-24')).toBe('martes, 24 de noviembre');
      expect(formatters('en').numericDate('2016-09-03')).toBe('09/03/2016');
      expect(formatters('es').numericDate('2016-09-03')).toBe('03/09/2016');
    }
    expect(formatters('en').calendarDate('not-a-date')).toBe('not-a-date');
  });

  it('names a zone in the language, standard or daylight time as of the instant', () => {
    expect(formatters('en').zoneName(instant, 'America/Chicago')).toBe('Central Standard Time');
    expect(formatters('en').zoneName(summer, 'America/Chicago')).toBe('Central Daylight Time');
    expect(formatters('es').zoneName(instant, 'America/Chicago')).toBe('hora estándar central');
    expect(formatters('es').zoneName(summer, 'America/Chicago')).toBe('hora de verano central');
  });

  it('knows which zones exist', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(null)).toBe(false);
  });
});

describe('portal labels', () => {
  it('translates relationships and visit statuses; staff callers keep English', () => {
    expect(relationshipLabel('parent')).toBe('Parent');
    expect(relationshipLabel('parent', 'es')).toBe('Padre o madre');
    const at = new Date('2026-11-24T12:00:00Z');
    const past = new Date('2026-11-20T12:00:00Z');
    expect(visitStatusLabel({ status: 'completed', endsAt: past }, at, 'en')).toBe('Completed');
    expect(visitStatusLabel({ status: 'completed', endsAt: past }, at, 'es')).toBe('Realizada');
    expect(visitStatusLabel({ status: 'booked', endsAt: past }, at, 'es')).toBe('Pendiente de actualizar');
    // A visit a reschedule cancelled is not called cancelled.
    expect(visitStatusLabel({ status: 'cancelled', endsAt: past }, at, 'en')).toBe('Cancelled');
    expect(visitStatusLabel({ status: 'cancelled', endsAt: past, moved: true }, at, 'en')).toBe('Moved');
    expect(visitStatusLabel({ status: 'cancelled', endsAt: past, moved: true }, at, 'es')).toBe('Reprogramada');
  });

  it('says what happened to a cancelled visit: moved (to where, when known) or the reason given', () => {
    const to = { id: 'b', startsAt: new Date('2026-12-01T15:00:00Z'), endsAt: new Date('2026-12-01T15:30:00Z'), status: 'booked' as const, timeZone: 'America/Chicago' };
    expect(visitChange({ status: 'cancelled', moved: true, cancelReason: 'Rescheduled' }, to)).toEqual({ kind: 'moved', to });
    expect(visitChange({ status: 'cancelled', moved: true, cancelReason: 'Rescheduled' }, null)).toEqual({ kind: 'moved', to: null });
    expect(visitChange({ status: 'cancelled', moved: false, cancelReason: '  Travelling ' }, null)).toEqual({ kind: 'cancelled', reason: 'Travelling' });
    expect(visitChange({ status: 'cancelled', moved: false, cancelReason: ' ' }, null)).toEqual({ kind: 'cancelled', reason: null });
    expect(visitChange({ status: 'completed', moved: false, cancelReason: null }, null)).toBeNull();
    expect(isUpcoming(to, new Date('2026-12-01T15:29:00Z'))).toBe(true);
    expect(isUpcoming(to, new Date('2026-12-01T15:31:00Z'))).toBe(false);
    expect(isUpcoming({ ...to, status: 'cancelled' }, new Date('2026-11-01T00:00:00Z'))).toBe(false);
  });

  it('words a moved visit and a cancellation reason in both languages', () => {
    expect(translator(portalHistory, 'en')('movedTo', { time: 'Tue, Dec 1' })).toBe('Moved to Tue, Dec 1');
    expect(translator(portalHistory, 'es')('movedTo', { time: 'mar, 1 dic' })).toBe('Nueva fecha: mar, 1 dic');
    expect(translator(portalHistory, 'en')('cancelReason', { reason: 'Travelling' })).toBe('Reason: Travelling');
    expect(translator(portalHistory, 'es')('cancelReason', { reason: 'De viaje' })).toBe('Motivo: De viaje');
  });
});

describe('VisitTime', () => {
  const startsAt = new Date('2026-11-24T16:30:00Z');
  const render = (patientZone: string | null, locale: 'en' | 'es') =>
    plain(renderToStaticMarkup(createElement(VisitTime, { startsAt, locationZone: 'America/Chicago', patientZone, locale })));

  it('shows the clinic’s time alone when the patient has no zone of their own (or the same one)', () => {
    for (const zone of [null, 'America/Chicago', 'Not/A_Zone']) {
      const html = render(zone, 'en');
      expect(html).toContain('>Tue, Nov 24, 2026, 10:30 AM CST</time>');
      expect(html).not.toContain('At the clinic');
    }
  });

  it('shows the patient’s zone first and names the clinic’s zone when they differ, in the language', () => {
    const en = render('Europe/Madrid', 'en');
    expect(en).toMatch(/>Tue, Nov 24, 2026, 5:30 PM [^<]+<\/time>/);
    expect(en).toContain('At the clinic: Tuesday, November 24, 10:30 AM (Central Standard Time)');
    const es = render('Europe/Madrid', 'es');
    expect(es).toMatch(/>mar, 24 de nov\.? de 2026, 5:30 p\. ?m\. [^<]+<\/time>/);
    expect(es).toMatch(/En la clínica: martes, 24 de noviembre, 10:30 a\. ?m\. \(hora estándar central\)/);
  });
});

// Every namespace in lib/i18n/messages, including ones added later, without listing them here.
const MESSAGES_DIR = path.resolve(__dirname, '../../lib/i18n/messages');
const catalogFiles = readdirSync(MESSAGES_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

function isCatalog(value: unknown): value is Catalog<Messages> {
  return typeof value === 'object' && value !== null && 'en' in value && 'es' in value
    && typeof (value as Catalog<Messages>).en === 'object' && typeof (value as Catalog<Messages>).es === 'object';
}

describe('message catalogs', () => {
  it('finds the namespaces', () => {
    expect(catalogFiles).toEqual(expect.arrayContaining(['common.ts', 'portal-dashboard.ts', 'portal-documents.ts']));
  });

  it.each(catalogFiles)('%s: every Spanish string exists, is not blank and has the English placeholders', async (file) => {
    const mod: Record<string, unknown> = await import(path.join(MESSAGES_DIR, file));
    const catalogs = Object.entries(mod).filter((entry): entry is [string, Catalog<Messages>] => isCatalog(entry[1]));
    expect(catalogs.length, `${file} exports no catalog`).toBeGreaterThan(0);
    for (const [name, catalog] of catalogs) {
      expect(Object.keys(catalog.es).sort(), `${file} ${name}: keys`).toEqual(Object.keys(catalog.en).sort());
      for (const [key, en] of Object.entries(catalog.en)) {
        const es = (catalog.es as Messages)[key];
        expect(en.trim(), `${file} ${name}.${key}: English is blank`).not.toBe('');
        expect(typeof es === 'string' && es.trim() !== '', `${file} ${name}.${key}: Spanish is blank`).toBe(true);
        expect(placeholders(es ?? ''), `${file} ${name}.${key}: placeholders`).toEqual(placeholders(en));
      }
    }
  });
});
