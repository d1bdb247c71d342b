import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuditSearchParams, csvCell } from '@/lib/audit/query';
import { normalizeHexColor } from '@/lib/branding/colors';
import { downloadFilename, sanitizeFilename } from '@/lib/documents/file-checks';
import { ALLOWED_DOCUMENT_TYPES } from '@/lib/documents/upload-rules';
import { formatters, interpolate, toLocale } from '@/lib/i18n/core';
import { parseDateInput as parsePatientDate } from '@/lib/patients/schemas';
import { toE164 } from '@/lib/phone/format';
import { initialOf, normalizePortalCode, parseUsDate } from '@/lib/portal-access/matching';
import { parseScheduleParams } from '@/lib/scheduling/schedule-view';
import { zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { parsePriceToCents } from '@/lib/services/schemas';
import { contentDisposition } from '@/lib/storage/object-store';
import { normalizeHost, parseHost } from '@/lib/tenancy/host';
import { anyUnicode, controlChars, hostileFileName, hostileString, impossibleDate, unicodeDigits } from '../support/hostile';

/**
 * Pure functions that take what a person or a request typed, fed hostile values (issue 7, bad
 * input): none throws, and each output keeps the promise its callers rely on.
 */

const RUNS = { numRuns: 500 };
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const realDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

describe('host header parsing', () => {
  it('classifies any header without throwing; a subdomain or custom host is always a clean DNS name', () => {
    const header = fc.oneof(hostileString, fc.webUrl(), fc.domain(), fc.tuple(hostileString, fc.constantFrom('.localhost', '.localhost:3100', '')).map(([a, b]) => a + b));
    fc.assert(fc.property(header, (raw) => {
      const parsed = parseHost(raw, 'localhost');
      if (parsed.kind === 'subdomain') expect(parsed.label).toMatch(LABEL);
      if (parsed.kind === 'custom') for (const l of parsed.hostname.split('.')) expect(l).toMatch(LABEL);
      const host = normalizeHost(raw);
      if (host !== null) expect(host).not.toMatch(/[\s/@?#\\\u0000]/);
    }), RUNS);
  });

  it('digits of any script give a clean DNS label or no clinic', () => {
    // IDNA maps fullwidth digits to ASCII, as browsers do; other scripts become punycode.
    expect(parseHost('１２３.localhost', 'localhost')).toEqual({ kind: 'subdomain', label: '123' });
    expect(parseHost('١٢٣.localhost', 'localhost')).not.toEqual({ kind: 'subdomain', label: '123' });
    fc.assert(fc.property(unicodeDigits, (d) => {
      const parsed = parseHost(`${d}.localhost`, 'localhost');
      if (parsed.kind === 'subdomain') expect(parsed.label).toMatch(LABEL);
    }), RUNS);
  });
});

describe('phone numbers', () => {
  it('toE164 never throws and returns E.164 or null', () => {
    fc.assert(fc.property(fc.oneof(hostileString, unicodeDigits.map((d) => `+1 ${d}`)), (raw) => {
      const out = toE164(raw);
      if (out !== null) expect(out).toMatch(/^\+[1-9]\d{6,14}$/);
    }), RUNS);
  });
});

describe('file names', () => {
  const clean = (name: string) => {
    expect(name.length).toBeGreaterThan(0);
    expect(name).not.toMatch(/[/\\\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
    expect(name).not.toMatch(/^[.\s]/);
    expect([...name].length).toBeLessThanOrEqual(150);
  };

  it('sanitizeFilename leaves no directory, control or bidi character, no leading dot, at most 150 characters', () => {
    fc.assert(fc.property(fc.oneof(hostileFileName, hostileString), (raw) => clean(sanitizeFilename(raw))), RUNS);
    for (const raw of ['../../etc/passwd', 'a/../../b.pdf', '..\\x.pdf', 'a\u0000.pdf', '\u202Efdp.exe', '..', `${'x'.repeat(100_000)}.pdf`]) clean(sanitizeFilename(raw));
  });

  it('downloadFilename keeps a clean name and ends with the extension the bytes call for', () => {
    fc.assert(fc.property(fc.oneof(hostileFileName, hostileString), fc.constantFrom(...ALLOWED_DOCUMENT_TYPES), (raw, type) => {
      const name = downloadFilename(sanitizeFilename(raw), type);
      expect(name).not.toMatch(/[/\\\u0000]/);
      expect(name.toLowerCase()).toMatch(type === 'image/jpeg' ? /\.jpe?g$/ : type === 'image/png' ? /\.png$/ : /\.pdf$/);
    }), RUNS);
  });

  it('Content-Disposition of a sanitised name has no header injection', () => {
    fc.assert(fc.property(fc.oneof(hostileFileName, controlChars), (raw) => {
      const header = contentDisposition('attachment', sanitizeFilename(raw).replace(/[\uD800-\uDFFF]/g, ''));
      expect(header).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]*$/);
    }), RUNS);
  });

  // contentDisposition's encodeURIComponent throws URIError on a lone surrogate (\p{Cs}).
  it('a name with a lone surrogate still gives a Content-Disposition', () => {
    expect(() => contentDisposition('attachment', sanitizeFilename('scan\uD800.pdf'))).not.toThrow();
  });
});

describe('dates, times and zones', () => {
  it('parseUsDate and the patient date parser accept only real calendar dates', () => {
    fc.assert(fc.property(fc.oneof(impossibleDate, hostileString), (raw) => {
      const us = parseUsDate(raw);
      if (us !== null) expect(realDate(us)).toBe(true);
      const p = parsePatientDate(raw);
      if (p !== null) expect(realDate(p)).toBe(true);
    }), RUNS);
    for (const raw of ['02/30/2026', '13/01/2026', '2026-02-30', '2026-13-01', '2/29/2025']) {
      expect(parseUsDate(raw), raw).toBeNull();
      expect(parsePatientDate(raw), raw).toBeNull();
    }
  });

  it('a wall time in the spring-forward gap resolves to a real instant, not an invalid date', () => {
    const instant = zonedInstant('2026-03-08', '02:30', 'America/New_York');
    expect(Number.isNaN(instant.getTime())).toBe(false);
    expect(zonedDate(instant, 'America/New_York')).toBe('2026-03-08');
    fc.assert(fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (h, m) => {
      const t = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
      for (const [day, zone] of [['2026-03-08', 'America/New_York'], ['2026-11-01', 'America/New_York'], ['2026-03-29', 'Europe/Budapest']] as const) {
        const i = zonedInstant(day, t, zone);
        expect(Number.isNaN(i.getTime())).toBe(false);
        expect(zonedDate(i, zone)).toBe(day);
      }
    }), { numRuns: 200 });
  });

  it('the schedule URL parser falls back to defaults on anything and keeps only real dates', () => {
    const raw = fc.dictionary(fc.constantFrom('view', 'by', 'date', 'location', 'provider', 'notice', '__proto__'), fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }), impossibleDate));
    fc.assert(fc.property(raw, (params) => {
      const out = parseScheduleParams(params);
      expect(['day', 'week']).toContain(out.view);
      if (out.date !== undefined) expect(realDate(out.date)).toBe(true);
    }), RUNS);
  });

  it('the audit filter never throws, keeps real dates in order and a page within 1..1000', () => {
    const raw = fc.dictionary(fc.constantFrom('person', 'patient', 'patientId', 'action', 'from', 'to', 'page'), fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 }), impossibleDate));
    fc.assert(fc.property(raw, (params) => {
      const out = parseAuditSearchParams(params);
      if (!out.ok) return;
      expect(Number.isInteger(out.page) && out.page >= 1 && out.page <= 1000).toBe(true);
      for (const d of [out.filters.from, out.filters.to]) if (d) expect(realDate(d)).toBe(true);
      if (out.filters.from && out.filters.to) expect(out.filters.from <= out.filters.to).toBe(true);
    }), RUNS);
  });

  // '0000-01-01' is a valid JS date but Postgres has no year 0: the filter's ::timestamptz cast
  // would fail in the audit page and CSV export (a 500 / cut-off file).
  it('the audit filter keeps only dates Postgres can cast (year 0001 or later)', () => {
    expect(parseAuditSearchParams({ from: '0000-01-01' }).ok).toBe(false);
    expect(parseAuditSearchParams({ to: '0000-12-31' }).ok).toBe(false);
  });

  it('calendar formatters do not throw on a date that does not exist', () => {
    const fmt = formatters('es');
    fc.assert(fc.property(fc.oneof(impossibleDate, hostileString), (iso) => {
      expect(typeof fmt.calendarDate(iso)).toBe('string');
      expect(typeof fmt.calendarDay(iso)).toBe('string');
      expect(typeof fmt.numericDate(iso)).toBe('string');
    }), RUNS);
  });
});

describe('codes, prices, colours, initials', () => {
  it('normalizePortalCode gives six ASCII digits or null', () => {
    fc.assert(fc.property(fc.oneof(hostileString, unicodeDigits), (raw) => {
      const code = normalizePortalCode(raw);
      if (code !== null) expect(code).toMatch(/^[0-9]{6}$/);
    }), RUNS);
    expect(normalizePortalCode('１２３４５６')).toBe('123456');
    expect(normalizePortalCode('١٢٣٤٥٦')).toBeNull();
  });

  it('parsePriceToCents never throws and gives whole cents within the column', () => {
    fc.assert(fc.property(fc.oneof(hostileString, unicodeDigits, fc.double().map(String)), (raw) => {
      const cents = parsePriceToCents(raw);
      if (typeof cents === 'number') expect(Number.isSafeInteger(cents) && cents >= 0 && cents <= 99_999_999).toBe(true);
    }), RUNS);
  });

  it('normalizeHexColor gives #rrggbb or null', () => {
    fc.assert(fc.property(hostileString, (raw) => {
      const hex = normalizeHexColor(raw);
      if (hex !== null) expect(hex).toMatch(/^#[0-9a-f]{6}$/);
    }), RUNS);
  });

  it('initialOf gives one letter or null', () => {
    fc.assert(fc.property(fc.oneof(hostileString, anyUnicode), (raw) => {
      const initial = initialOf(raw);
      if (initial !== null) expect(initial).toMatch(/^\p{L}$/u);
    }), RUNS);
  });
});

describe('text that reaches a page or a file', () => {
  it('interpolate never throws and never expands a placeholder inside a value', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('name', 'date', 'x'), fc.oneof(hostileString, fc.constant('{name}'), fc.double())), (vars) => {
      const out = interpolate('Hi {name}, on {date}: {x}', vars);
      if (typeof vars.name === 'string' && 'date' in vars && 'x' in vars) expect(out.startsWith(`Hi ${vars.name}, on `)).toBe(true);
    }), RUNS);
  });

  // `key in vars` would also see Object.prototype and print a function's source.
  it('a placeholder named like an Object.prototype member stays visible when not passed', () => {
    expect(interpolate('{constructor} {toString}', {})).toBe('{constructor} {toString}');
  });

  it('toLocale maps anything to a supported language', () => {
    fc.assert(fc.property(fc.anything(), (v) => {
      expect(['en', 'es']).toContain(toLocale(v));
    }), RUNS);
  });

  it('audit CSV cells neutralise formulas and keep the row one line per record', () => {
    fc.assert(fc.property(fc.oneof(hostileString, controlChars), (raw) => {
      const cell = csvCell(raw);
      const inner = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
      expect(inner).not.toMatch(/^[=+\-@\t\r]/);
      if (/[\r\n]/.test(cell)) expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
    }), RUNS);
  });
});
