import type { Carrier, ShipmentStatus } from '@/db/schema/commerce';

/**
 * Shipment tracking, pure and browser-safe (the shipment forms check numbers as they are typed):
 * the carriers' public tracking pages, what each carrier's numbers look like, the shipment
 * statuses in words, and reading a CSV of tracking numbers (order number, carrier, tracking
 * number and, optionally, status) for the EMR's import.
 */

export const CARRIERS = ['usps', 'ups', 'fedex', 'dhl', 'other'] as const satisfies readonly Carrier[];
export const SHIPMENT_STATUSES = ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'] as const satisfies readonly ShipmentStatus[];

export const CARRIER_LABELS: Record<Carrier, string> = { usps: 'USPS', ups: 'UPS', fedex: 'FedEx', dhl: 'DHL', other: 'Other carrier' };

export const SHIPMENT_STATUS_LABELS: Record<ShipmentStatus, string> = {
  label_created: 'Label created',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  exception: 'Exception',
};

/** The form of a number as stored: no spaces, upper case (carriers print them in groups). */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** What the database accepts for any carrier (shipments_tracking). */
const STORABLE = /^[A-Z0-9-]{4,40}$/;

/**
 * Each carrier's number formats, loose enough for every service the carrier sells and tight
 * enough to catch a number pasted under the wrong carrier or cut short.
 */
const FORMATS: Record<Exclude<Carrier, 'other'>, { patterns: RegExp[]; hint: string }> = {
  // Domestic IMpb (20–22 digits, or 26/30/34 with the routing code) and international S10 (EA123456789US).
  usps: { patterns: [/^\d{20,22}$/, /^\d{26}$/, /^\d{30}$/, /^\d{34}$/, /^[A-Z]{2}\d{9}US$/], hint: 'A USPS tracking number has 20 to 22 digits (or 26, 30 or 34), or looks like EA123456789US.' },
  // 1Z + 16 characters; freight (9 digits), Mail Innovations (26 digits), returns (T + 10 digits).
  ups: { patterns: [/^1Z[0-9A-Z]{16}$/, /^\d{9}$/, /^\d{26}$/, /^T\d{10}$/], hint: 'A UPS tracking number starts with 1Z and has 18 characters.' },
  // Express 12, Ground 15, SmartPost 20–22, the full barcode 34 digits.
  fedex: { patterns: [/^\d{12}$/, /^\d{14}$/, /^\d{15}$/, /^\d{20}$/, /^\d{22}$/, /^\d{34}$/], hint: 'A FedEx tracking number has 12, 15, 20 or 22 digits (34 from the barcode).' },
  // Express waybills (10 digits), eCommerce (GM…, LX…, RX…), parcel (JJD…, JVGL…), and 3 letters + 7 digits.
  dhl: { patterns: [/^\d{10,11}$/, /^(GM|LX|RX)[0-9A-Z]{8,22}$/, /^(JJD|JVGL)[0-9A-Z]{8,24}$/, /^[A-Z]{3}\d{7}$/], hint: 'A DHL tracking number has 10 digits (Express) or starts with GM, JJD or JVGL.' },
};

/** Null when `number` (normalised) can be a tracking number of `carrier`; else what is wrong, for staff. */
export function trackingNumberProblem(carrier: Carrier, number: string): string | null {
  if (number.length === 0) return 'Enter the tracking number.';
  if (!STORABLE.test(number)) return 'A tracking number has 4 to 40 letters, digits and dashes.';
  if (carrier === 'other') return null;
  const format = FORMATS[carrier];
  return format.patterns.some((p) => p.test(number.replaceAll('-', ''))) ? null : format.hint;
}

/** The carrier's public tracking page for a number, or null for another carrier. */
export function trackingUrl(carrier: Carrier, number: string): string | null {
  const n = encodeURIComponent(number);
  switch (carrier) {
    case 'usps': return `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`;
    case 'ups': return `https://www.ups.com/track?tracknum=${n}`;
    case 'fedex': return `https://www.fedex.com/fedextrack/?trknbr=${n}`;
    case 'dhl': return `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${n}&submit=1`;
    default: return null;
  }
}

/** "USPS", "fedex", "Fed Ex", "UPS Ground"… → the carrier; null when it names none. */
export function parseCarrier(raw: string): Carrier | null {
  const key = raw.trim().toLowerCase().replace(/[\s._-]+/g, '');
  if (key === '') return null;
  if (key === 'usps' || key === 'unitedstatespostalservice' || key === 'postalservice') return 'usps';
  if (key === 'ups' || key === 'unitedparcelservice' || (key.startsWith('ups') && key.length <= 12)) return 'ups';
  if (key === 'fedex' || (key.startsWith('fedex') && key.length <= 14)) return 'fedex';
  if (key === 'dhl' || (key.startsWith('dhl') && key.length <= 14)) return 'dhl';
  if (key === 'other' || key === 'othercarrier') return 'other';
  return null;
}

/** "In transit", "in_transit", "OUT-FOR-DELIVERY" → the status; null when it names none. */
export function parseShipmentStatus(raw: string): ShipmentStatus | null {
  const key = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (SHIPMENT_STATUSES as readonly string[]).includes(key) ? (key as ShipmentStatus) : null;
}

/** "ORD-000012", "ord-12", "#12" or "12" → 12; null when it is not an order number. */
export function parseOrderNumber(raw: string): number | null {
  const match = /^(?:ORD-?|#)?0*(\d{1,9})$/i.exec(raw.trim());
  if (!match) return null;
  const n = Number(match[1]);
  return n > 0 ? n : null;
}

// ---------------------------------------------------------------------------------------------
// The import's CSV

export const SHIPMENT_IMPORT_LIMITS = { rows: 1000, bytes: 200_000 } as const;

export interface ShipmentCsvRow {
  /** The line of the file the row starts on (1 is the header), for staff to find it. */
  line: number;
  orderNumber: string;
  carrier: string;
  trackingNumber: string;
  /** Empty when the file has no status column or the cell is blank. */
  status: string;
}

export type ShipmentCsvResult = { ok: true; rows: ShipmentCsvRow[] } | { ok: false; problem: string };

const HEADERS = {
  orderNumber: ['order', 'ordernumber', 'orderno', 'order#', 'ordernum'],
  carrier: ['carrier', 'shippingcarrier'],
  trackingNumber: ['tracking', 'trackingnumber', 'trackingno', 'tracking#', 'trackingcode'],
  status: ['status', 'shipmentstatus'],
} as const;
type Column = keyof typeof HEADERS;

export const SHIPMENT_CSV_HEADER = 'order number,carrier,tracking number,status';

/**
 * Splits CSV text into records (RFC 4180: fields in double quotes may hold commas, quotes written
 * twice and line breaks; CRLF or LF), without the byte order mark Excel writes first. Null when a
 * quoted field never ends.
 */
export function splitCsv(text: string): { line: number; cells: string[] }[] | null {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else { if (ch === '\n') line++; cell += ch; }
      continue;
    }
    if (ch === '"' && cell.trim() === '') { quoted = true; cell = ''; } else if (ch === ',') { cells.push(cell); cell = ''; } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (quoted) return null;
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}

/**
 * The import file's rows: a header naming the columns (in any order, any case; "status" may be
 * left out), then one shipment a line. Blank lines are skipped. A file without the columns, or
 * with more rows than an import takes, is refused as a whole with what to fix.
 */
export function parseShipmentCsv(text: string): ShipmentCsvResult {
  if (text.length > SHIPMENT_IMPORT_LIMITS.bytes) return { ok: false, problem: `The file is too large: import at most ${SHIPMENT_IMPORT_LIMITS.rows} rows at a time.` };
  const records = splitCsv(text);
  if (records === null) return { ok: false, problem: 'A quoted value in the file never ends. Check the quotes and save it as CSV again.' };
  const nonBlank = records.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [header, ...body] = nonBlank;
  if (!header) return { ok: false, problem: `The file is empty. Its first line should be: ${SHIPMENT_CSV_HEADER}` };
  const index: Partial<Record<Column, number>> = {};
  header.cells.forEach((name, i) => {
    const key = name.trim().toLowerCase().replace(/[\s_-]+/g, '');
    for (const column of Object.keys(HEADERS) as Column[]) {
      if ((HEADERS[column] as readonly string[]).includes(key) && index[column] === undefined) index[column] = i;
    }
  });
  const missing = (['orderNumber', 'carrier', 'trackingNumber'] as const).filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    return { ok: false, problem: `The first line must name the columns order number, carrier and tracking number (status is optional), such as: ${SHIPMENT_CSV_HEADER}` };
  }
  if (body.length === 0) return { ok: false, problem: 'The file has a header but no shipments.' };
  if (body.length > SHIPMENT_IMPORT_LIMITS.rows) return { ok: false, problem: `The file has ${body.length} rows: import at most ${SHIPMENT_IMPORT_LIMITS.rows} at a time.` };
  const at = (cells: string[], column: Column) => (index[column] === undefined ? '' : (cells[index[column]!] ?? '').trim());
  return {
    ok: true,
    rows: body.map((r) => ({
      line: r.line, orderNumber: at(r.cells, 'orderNumber'), carrier: at(r.cells, 'carrier'), trackingNumber: at(r.cells, 'trackingNumber'), status: at(r.cells, 'status'),
    })),
  };
}
