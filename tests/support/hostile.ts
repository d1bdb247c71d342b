import fc from 'fast-check';

/**
 * Hostile input for the bad-input suites (issue 7 point 5): fast-check arbitraries for what a
 * browser, a script or a confused person can send to a form, a URL or a route handler, plus the
 * checks every answer must pass (no stack trace, no internal detail). Shared by unit and
 * integration tests; nothing here touches the app.
 */

const HUGE = 'x'.repeat(100_000);

/** Strings people and scripts actually send that broke real systems; each is a known trap. */
export const HOSTILE_CONSTANTS: readonly string[] = [
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\u0000'.repeat(10), '\r\n\r\n', '\u0007\u001b[31m',
  '١٢٣', '١٢٣٤٥٦', '１２３', '１２３４５６', '٠٤/١٢/١٩٨٦', '０４/１２/１９８６', '߀߁߂', '𝟏𝟐𝟑',
  '\u202Egpj.exe', 'abc\u202Edef', '\u200B', '\u200F\u200E', '\uFEFF', '\u2028\u2029',
  '\uD800', 'a\uDFFFb', '\uFFFF', '\uFFFD',
  '😀', '👨‍👩‍👧‍👦', '🏳️‍🌈'.repeat(50), 'Z̴̡̪̫̖̥̔͂a̷l̸g̵o̷', 'ÅÅ', 'İıſ',
  '../../etc/passwd', 'a/../../b.pdf', '..\\x.pdf', '..', '.', '/', '\\', 'C:\\Windows\\win.ini',
  'file\u0000.pdf', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '....//....//', 'CON', 'aux.pdf',
  "' OR 1=1 --", "'; drop table patients; --", '"', "'", '\\', '%', '_', '%_\\',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)',
  '{{7*7}}', '${7*7}', '{name}', '{__proto__}', '__proto__', 'constructor', 'toString',
  'NaN', 'Infinity', '-Infinity', '-0', '1e309', '-1', '0', '9'.repeat(400), '0x10', '1_000', ' 42 ', '4.2',
  'true', 'false', 'null', 'undefined', '[]', '{}', '[object Object]',
  '2026-02-30', '2026-13-01', '2026-00-10', '2026-02-29', '0000-01-01', '9999-12-31', '+275760-09-13',
  '02/30/2026', '13/01/2026', '2/29/2025', '2026-03-08T02:30', '2026-11-01T01:30', '2026-03-08T02:30:00Z',
  '2026-02-30T10:00', '2026-01-01T24:00', '2026-01-01T23:60', '25:00', '24:00', '-01:00', '9:5',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'not-a-uuid',
  '+1 555 555 0101 ext. 99999999999', '+00000000000', '+' + '1'.repeat(40), 'tel:+15555550101',
  'a@b', 'a@b.c', `${'a'.repeat(250)}@x.io`, 'maria@example.com\r\nBcc: x@evil.test', 'MARIA@EXAMPLE.COM',
  HUGE, `${HUGE}.pdf`, ` ${'é'.repeat(5000)} `,
];

/** Any code point, lone surrogates included (what a buggy client or a fuzzer sends). */
export const anyUnicode = fc.string({ unit: 'binary', maxLength: 60 });

/** Control characters, NUL and bidi/format characters mixed with ordinary text. */
export const controlChars = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\u007f', '\u0085', '\u200B', '\u200E', '\u200F', '\u202A', '\u202E', '\u2066', '\u2069', '\uFEFF', '\u2028'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 4 }),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

/** Digits in scripts other than ASCII: they look like numbers and are not. */
export const unicodeDigits = fc
  .tuple(fc.constantFrom(0x0660, 0x06f0, 0x0966, 0xff10, 0x07c0, 0x0e50), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 12 }))
  .map(([zero, digits]) => digits.map((d) => String.fromCodePoint(zero + d)).join(''));

/** Something shaped like a path that climbs out of its folder. */
export const pathTraversal = fc
  .tuple(
    fc.array(fc.constantFrom('..', '.', 'a', '%2e%2e', '..\u0000', '…', ''), { maxLength: 5 }),
    fc.constantFrom('/', '\\', '\\\\', '//'),
    fc.constantFrom('etc/passwd', 'b.pdf', 'x.pdf', 'scan.png\u0000.html', '.env', 'photo.jpg', ''),
  )
  .map(([parts, sep, tail]) => [...parts, tail].join(sep));

export const hostileFileName = fc.oneof(
  pathTraversal,
  fc.constantFrom('../../etc/passwd', 'a/../../b.pdf', '..\\x.pdf', 'a\u0000.pdf', 'report\u202Egpj.exe', '.htaccess', '...', ' . ', `${HUGE}.pdf`, 'CON.pdf', '😀.png'),
  fc.tuple(controlChars, fc.constantFrom('.pdf', '.png', '.jpg', '')).map(([a, b]) => a + b),
  anyUnicode,
);

/** Calendar dates and local date-times that do not exist, or exist only on paper. */
export const impossibleDate = fc.oneof(
  fc.tuple(fc.integer({ min: -1, max: 10_000 }), fc.integer({ min: -1, max: 14 }), fc.integer({ min: -1, max: 40 })).map(
    ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
  ),
  fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99_999 })).map(([m, d, y]) => `${m}/${d}/${y}`),
  fc.constantFrom(
    '2026-02-30', '2026-13-01', '2025-02-29', '2026-04-31', '1899-12-31', '2026-03-08T02:30', '2026-03-29T02:30', '2026-11-01T01:30',
    '2026-02-30T09:00', '2026-01-01T24:00', '2026-01-01T00:60', '02/30/2026', '13/13/2026', '2/29/2025', '2026-1-1', '20260101',
  ),
);

/** A number in every form a parser might mishandle, as a string. */
export const hostileNumberText = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', '1e309', '1e-309', '0x1F', '0b11', '1_000', '1,000', '١٢', '１２', ' 5 ', '+5', '5.', '.5', '9007199254740993'),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  unicodeDigits,
);

/** Any string the suites throw at a text field. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_CONSTANTS) },
  { weight: 2, arbitrary: anyUnicode },
  { weight: 2, arbitrary: controlChars },
  { weight: 1, arbitrary: unicodeDigits },
  { weight: 1, arbitrary: pathTraversal },
  { weight: 1, arbitrary: impossibleDate },
  { weight: 1, arbitrary: hostileNumberText },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '😀', '\u0000', 'é', ' ', '9'), fc.integer({ min: 1_000, max: 120_000 })).map(([c, n]) => c.repeat(n)) },
);

/** Values of the wrong type for a field that expects a string (what a JSON or object caller sends). */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -1, NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER + 2, 10n ** 30n),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'toString', 'a', 'length'), hostileString, { maxKeys: 3 }),
  fc.double(),
  fc.date({ noInvalidDate: false }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: wrongType });

/** One form field: a string, a repeated field, or a file (`bytes` zeros, or a real PDF when `pdf`). */
export type FormValue = string | string[] | { file: string; type: string; bytes: number; pdf?: boolean };
export const hostileFormValue: fc.Arbitrary<FormValue> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.record({
      file: hostileFileName,
      type: fc.constantFrom('', 'application/pdf', 'text/html', 'image/svg+xml', 'application/x-msdownload', 'image/png\r\nX: y'),
      bytes: fc.constantFrom(0, 1, 16, 5_000),
    }),
  },
);

/** Hostile values for the named fields, each field present or missing, plus a stray extra field. */
export function hostileForm(fields: readonly string[]): fc.Arbitrary<Record<string, FormValue>> {
  const entries = Object.fromEntries(fields.map((f) => [f, hostileFormValue]));
  return fc
    .tuple(
      fc.record(entries, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.constantFrom('__proto__', 'tenantId', 'patientId', '$ACTION_ID_x', 'id', 'role', 'accessLevelId'), hostileString), { nil: undefined }),
    )
    .map(([values, extra]) => (extra ? { ...values, [extra[0]]: extra[1] } : values) as Record<string, FormValue>);
}

/** A file whose bytes are a real PDF, so an upload gets past the content check to the name. */
export const MINIMAL_PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
export const hostilePdf: fc.Arbitrary<FormValue> = hostileFileName.map((file) => ({ file, type: 'application/pdf', bytes: 0, pdf: true }));

/** Replaces NUL, for the runs that test everything but the (separately tested) NUL handling. */
export function withoutNul(values: Record<string, FormValue>): Record<string, FormValue> {
  const strip = (s: string) => s.replaceAll('\u0000', '');
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? strip(v) : Array.isArray(v) ? v.map(strip) : { ...v, file: strip(v.file) }]));
}

export function toFormData(values: Record<string, FormValue>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') form.append(key, value);
    else if (Array.isArray(value)) for (const v of value) form.append(key, v);
    else form.append(key, new File([value.pdf ? MINIMAL_PDF : new Uint8Array(value.bytes)], value.file, { type: value.type.replace(/[\r\n]/g, '') }));
  }
  return form;
}

/** Text that reveals internals when it reaches a person: stack frames, error class names, SQL, paths. */
const LEAK_PATTERNS: readonly RegExp[] = [
  /\n\s+at /, /^\s*at .+\(.+:\d+:\d+\)/m, /node_modules/, /\bTypeError\b/, /\bReferenceError\b/, /\bRangeError\b/, /\bSyntaxError\b/,
  /\b(?:Zod|Postgres|Drizzle|PGlite)\w*Error\b/i, /\bError: /, /\bselect\b[^.]{0,80}\bfrom\s+"/i, /\binsert into\b/i, /\bupdate\s+"\w+"\s+set\b/i,
  /\bdelete from\b/i, /violates (?:unique|foreign key|check|not-null) constraint/i, /\brelation "\w+"/, /\bduplicate key\b/i,
  /invalid input syntax/i, /\/work\/|\/home\/|\/var\/task\//, /\.tsx?:\d+/, /\[object Object\]/, /\bNaN\b/,
];

/**
 * zod's built-in English messages ("Invalid input: expected string, received undefined",
 * "Invalid UUID"): not a stack trace, but developer wording a person should not see, and never
 * translated for the portal. Reported separately from leaks.
 */
const ZOD_DEFAULTS: readonly RegExp[] = [/^Invalid input\b/, /^Invalid (UUID|email|string|option)/i, /expected \w+, received \w+/, /^Too (big|small):/, /^Unrecognized key/];

export function zodDefaultIn(text: string): boolean {
  return ZOD_DEFAULTS.some((p) => p.test(text));
}

/** The leaks found in a message; an empty list is a clean message. */
export function leaksIn(text: string): string[] {
  return LEAK_PATTERNS.filter((p) => p.test(text)).map((p) => p.source);
}

/** Every string inside an action's returned state (messages, field errors, nested values). */
export function stringsIn(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (depth > 5 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, depth + 1));
  return Object.values(value as Record<string, unknown>).flatMap((v) => stringsIn(v, depth + 1));
}
