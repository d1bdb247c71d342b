import 'server-only';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { patients } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { toE164 } from '@/lib/phone/format';

export const PATIENT_PAGE_SIZE = 25;

/** What the search box holds, read as a date, a phone, an email, a record number or a name. */
export function interpretPatientQuery(raw: string):
  | { kind: 'empty' }
  | { kind: 'dob'; date: string }
  | { kind: 'email'; email: string }
  | { kind: 'phone'; phone: string }
  | { kind: 'record'; record: string }
  | { kind: 'name'; text: string } {
  const q = raw.normalize('NFKC').trim().slice(0, 100);
  if (!q) return { kind: 'empty' };
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(q);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(q);
  if (us || iso) {
    const [y, m, d] = us ? [us[3]!, us[1]!, us[2]!] : [iso![1]!, iso![2]!, iso![3]!];
    const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
    const check = new Date(`${date}T00:00:00Z`);
    if (!Number.isNaN(check.getTime()) && check.toISOString().startsWith(date)) return { kind: 'dob', date };
  }
  if (q.includes('@')) return { kind: 'email', email: q.toLowerCase() };
  if (/^[A-Za-z]{2,5}-\d+$/.test(q)) return { kind: 'record', record: q.toUpperCase() };
  if (/^[+(\d][\d\s().-]{6,}$/.test(q)) {
    const phone = toE164(q);
    if (phone) return { kind: 'phone', phone };
  }
  return { kind: 'name', text: q.toLowerCase() };
}

const resultColumns = {
  id: patients.id, recordNumber: patients.recordNumber, firstName: patients.firstName, lastName: patients.lastName,
  dateOfBirth: patients.dateOfBirth, phone: patients.phone, email: patients.email,
};

// Byte-order ("C") keys, so a btree range scan finds a prefix and returns it in order.
const lastFirst = sql`(lower(${patients.lastName} || ' ' || ${patients.firstName}) collate "C")`;
const firstLast = sql`(lower(${patients.firstName} || ' ' || ${patients.lastName}) collate "C")`;
// Above every string that starts with the prefix (U+10FFFF is the last code point).
const PREFIX_END = '\u{10FFFF}';

/**
 * Names the way staff type them: the start of "last first" (`garcia`, `garcia, ma`) or of "first
 * last" (`maria g`), last-name matches first, each alphabetically. Both are range scans of their
 * own index (migration 0011) that stop after the page, however common the name: bounds rather than
 * LIKE, so a cached generic plan still uses the index.
 */
const namePrefixQuery = preparedQuery((db) => {
  const from = sql.placeholder('from');
  const to = sql.placeholder('to');
  const reach = sql.placeholder('reach');
  const byLastName = db
    .select({ ...resultColumns, rank: sql<number>`0`.as('rank'), sortKey: sql<string>`${lastFirst}`.as('sort_key') })
    .from(patients)
    .where(and(eq(patients.tenantId, sql.placeholder('tenantId')), sql`${lastFirst} >= ${from}`, sql`${lastFirst} < ${to}`))
    .orderBy(lastFirst, asc(patients.id))
    .limit(reach);
  const byFirstName = db
    .select({ ...resultColumns, rank: sql<number>`1`.as('rank'), sortKey: sql<string>`${firstLast}`.as('sort_key') })
    .from(patients)
    .where(and(
      eq(patients.tenantId, sql.placeholder('tenantId')), sql`${firstLast} >= ${from}`, sql`${firstLast} < ${to}`,
      sql`not (${lastFirst} >= ${from} and ${lastFirst} < ${to})`,
    ))
    .orderBy(firstLast, asc(patients.id))
    .limit(reach);
  return byLastName
    .unionAll(byFirstName)
    .orderBy(sql`rank`, sql`sort_key`, sql`id`)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('patient_name_prefix');
});

async function namePrefixMatches(db: Executor, tenantId: string, words: string, page: number) {
  const values = {
    tenantId, from: words, to: words + PREFIX_END, reach: page * PATIENT_PAGE_SIZE + 1,
    limit: PATIENT_PAGE_SIZE + 1, offset: (page - 1) * PATIENT_PAGE_SIZE,
  };
  return namePrefixQuery(db).execute(values);
}

/** Any part of the name (`arcí`): trigram distance, nearest first, on the GiST index (0010). */
function nameFragmentMatches(db: Executor, tenantId: string, text: string, page: number) {
  const fullName = sql`lower(${patients.firstName} || ' ' || ${patients.lastName})`;
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return db
    .select(resultColumns)
    .from(patients)
    // Exactly the indexed expression, alone: an OR with another column would force a scan. The
    // distance alone as the order, so the index returns rows in order and stops after one page.
    .where(and(eq(patients.tenantId, tenantId), sql`${fullName} like ${`%${escaped}%`}`))
    .orderBy(sql`${fullName} <-> ${text}`)
    .limit(PATIENT_PAGE_SIZE + 1)
    .offset((page - 1) * PATIENT_PAGE_SIZE);
}

async function nameMatches(db: Executor, tenantId: string, text: string, page: number) {
  const words = text.replace(/,/g, ' ').split(/\s+/).filter(Boolean).join(' ');
  const prefixed = await namePrefixMatches(db, tenantId, words, page);
  if (prefixed.length > 0) return prefixed.map(({ rank: _rank, sortKey: _sortKey, ...row }) => row);
  // Nothing starts that way: was it the end of a prefix list, or a fragment from inside a name?
  if (page > 1 && (await namePrefixMatches(db, tenantId, words, 1)).length > 0) return [];
  return nameFragmentMatches(db, tenantId, text, page);
}

export async function searchPatients(db: Executor, ctx: StaffContext, input: { q: string; page: number }) {
  assertPermission(ctx, 'patients.view');
  const query = interpretPatientQuery(input.q);
  let filter: SQL | undefined;
  switch (query.kind) {
    case 'dob': filter = eq(patients.dateOfBirth, query.date); break;
    case 'email': filter = sql`lower(${patients.email}) = ${query.email}`; break;
    case 'phone': filter = eq(patients.phone, query.phone); break;
    case 'record': filter = eq(patients.recordNumber, query.record); break;
    default: filter = undefined;
  }
  const page = Math.max(1, Math.min(1000, Math.floor(input.page) || 1));
  const rows = query.kind === 'name'
    ? await nameMatches(db, ctx.tenant.id, query.text, page)
    : await db
      .select(resultColumns)
      .from(patients)
      .where(and(eq(patients.tenantId, ctx.tenant.id), filter))
      .orderBy(asc(patients.lastName), asc(patients.firstName), asc(patients.id))
      .limit(PATIENT_PAGE_SIZE + 1)
      .offset((page - 1) * PATIENT_PAGE_SIZE);
  await recordAudit(db, ctx, { action: 'patient.searched', details: { kind: query.kind, results: Math.min(rows.length, PATIENT_PAGE_SIZE), page } });
  return { rows: rows.slice(0, PATIENT_PAGE_SIZE), hasMore: rows.length > PATIENT_PAGE_SIZE, page, kind: query.kind };
}
