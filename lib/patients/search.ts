import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
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

export async function searchPatients(db: Executor, ctx: StaffContext, input: { q: string; page: number }) {
  assertPermission(ctx, 'patients.view');
  const query = interpretPatientQuery(input.q);
  const fullName = sql`lower(${patients.firstName} || ' ' || ${patients.lastName})`;
  let filter: SQL | undefined;
  switch (query.kind) {
    case 'dob': filter = eq(patients.dateOfBirth, query.date); break;
    case 'email': filter = sql`lower(${patients.email}) = ${query.email}`; break;
    case 'phone': filter = eq(patients.phone, query.phone); break;
    case 'record': filter = eq(patients.recordNumber, query.record); break;
    case 'name': {
      const escaped = query.text.replace(/[\\%_]/g, (c) => `\\${c}`);
      // Exactly the indexed expression, alone: an OR with another column would force a scan.
      filter = sql`${fullName} like ${`%${escaped}%`}`;
      break;
    }
    default: filter = undefined;
  }
  const page = Math.max(1, Math.min(1000, Math.floor(input.page) || 1));
  const rows = await db
    .select({
      id: patients.id, recordNumber: patients.recordNumber, firstName: patients.firstName, lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth, phone: patients.phone, email: patients.email,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), filter))
    // Names: closest first by trigram distance, alone, so the GiST index returns rows already
    // in order and the scan stops after one page (a second sort key would force reading every
    // match). Other searches are exact matches, ordered by name.
    .orderBy(...(query.kind === 'name'
      ? [sql`${fullName} <-> ${query.text}`]
      : [asc(patients.lastName), asc(patients.firstName), asc(patients.id)]))
    .limit(PATIENT_PAGE_SIZE + 1)
    .offset((page - 1) * PATIENT_PAGE_SIZE);
  await recordAudit(db, {
    tenantId: ctx.tenant.id, actor: { kind: 'staff', id: ctx.actor.id }, action: 'patient.searched',
    ip: ctx.ip, userAgent: ctx.userAgent, details: { kind: query.kind, results: Math.min(rows.length, PATIENT_PAGE_SIZE), page },
  });
  return { rows: rows.slice(0, PATIENT_PAGE_SIZE), hasMore: rows.length > PATIENT_PAGE_SIZE, page, kind: query.kind };
}
