import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb, type Executor } from '@/db/client';

/**
 * The schema stays ready to be distributed by clinic (Citus, or one database per group of
 * clinics): every clinic-owned table carries tenant_id NOT NULL, and its primary key, unique
 * constraints and indexes, exclusion constraints and foreign keys all include it, so a row and
 * everything it points to live on the same shard. Tables that are not clinic-owned are listed
 * here by kind, so a new table has to choose. Read from the live catalog after migrations.
 * The path from one Postgres to a cluster is in docs/deployment.md.
 */

/** The platform's own data: no clinic owns a row. Small, replicated to every node. */
const PLATFORM_TABLES = new Set([
  'tenants', // the clinics themselves: the distribution key's own table
  'platform_operators',
  'operator_enrolments',
  'operator_challenges', // operators' sign-in attempts (the console, on the root host)
  'operator_sessions',
  'operator_passkeys', // operators' passkeys and their challenges (the console, on the root host)
  'operator_passkey_challenges',
  'platform_audit_log', // the console's audit entries
  'rate_limits', // keys name their scope (clinic, address, account) in text
  'dev_outbox_messages', // development only
  // The email provider's webhook events: one sending account for the platform, so an event arrives
  // before its clinic is known; it is applied to the clinic's rows found by the message's provider id.
  'email_provider_events',
]);

/** Clinic rows looked up without knowing the clinic: keyed globally, replicated to every node. */
const REFERENCE_TABLES = new Set([
  'tenant_domains', // host → clinic: resolving a request's host is how the clinic becomes known
]);

interface Table { name: string; tenantId: 'not null' | 'null' | null }
interface Key { table: string; name: string; kind: 'primary key' | 'unique' | 'foreign key' | 'exclusion' | 'unique index'; columns: string[]; references: string | null; referencedColumns: string[] }

interface Catalog { tables: Table[]; keys: Key[] }
let catalog: Catalog = { tables: [], keys: [] };

/** postgres.js answers an array, PGlite `{ rows }`. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

async function readCatalog(db: Executor): Promise<Catalog> {
  const tables = rowsOf<Table>(await db.execute(sql`
    select c.relname as name,
           case when a.attname is null then null when a.attnotnull then 'not null' else 'null' end as "tenantId"
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      left join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where c.relkind in ('r', 'p')
     order by 1`));
  const keys = rowsOf<Key>(await db.execute(sql`
    select t.relname as "table", con.conname as name,
           case con.contype when 'p' then 'primary key' when 'u' then 'unique' when 'f' then 'foreign key' else 'exclusion' end as kind,
           array(select a.attname::text from unnest(con.conkey) k join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k) as columns,
           r.relname as "references",
           coalesce(array(select a.attname::text from unnest(con.confkey) k join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k), '{}') as "referencedColumns"
      from pg_constraint con
      join pg_class t on t.oid = con.conrelid
      join pg_namespace n on n.oid = t.relnamespace and n.nspname = 'public'
      left join pg_class r on r.oid = con.confrelid
     where con.contype in ('p', 'u', 'f', 'x')
    union all
    select t.relname, i.relname, 'unique index',
           array(select a.attname::text from unnest(ix.indkey::int2[]) k join pg_attribute a on a.attrelid = ix.indrelid and a.attnum = k),
           null, '{}'
      from pg_index ix
      join pg_class i on i.oid = ix.indexrelid
      join pg_class t on t.oid = ix.indrelid
      join pg_namespace n on n.oid = t.relnamespace and n.nspname = 'public'
     where ix.indisunique and not exists (select 1 from pg_constraint con where con.conindid = ix.indexrelid)
     order by 1, 2`));
  return { tables, keys };
}

beforeAll(async () => {
  catalog = await readCatalog(getDb());
});

const clinicOwned = ({ tables }: Catalog) => tables.filter((t) => t.tenantId && !REFERENCE_TABLES.has(t.name));

/** What is wrong with the clinic-owned tables, in words a migration author can act on. */
function problemsOf({ tables, keys }: Catalog): string[] {
  return clinicOwned({ tables, keys }).flatMap((table) => tableProblems(table, { tables, keys }));
}

function tableProblems(table: Table, { tables, keys }: Catalog): string[] {
  const problems: string[] = [];
  if (table.tenantId !== 'not null') problems.push(`${table.name}.tenant_id is nullable`);
  const own = keys.filter((k) => k.table === table.name);
  if (!own.some((k) => k.kind === 'primary key')) problems.push(`${table.name} has no primary key`);
  for (const key of own) {
    if (!key.columns.includes('tenant_id')) problems.push(`${table.name}: ${key.kind} ${key.name} (${key.columns.join(', ')}) lacks tenant_id`);
    if (key.kind === 'foreign key' && key.references !== 'tenants') {
      const target = tables.find((t) => t.name === key.references);
      const targetKind = PLATFORM_TABLES.has(key.references!) || REFERENCE_TABLES.has(key.references!) ? 'replicated' : 'clinic';
      if (targetKind === 'clinic' && !key.referencedColumns.includes('tenant_id')) {
        problems.push(`${table.name}: foreign key ${key.name} references ${target?.name ?? key.references} without its tenant_id`);
      }
    }
  }
  return problems;
}

describe('schema ready to be distributed by clinic', () => {
  it('every table is clinic-owned or listed as platform-wide or reference', () => {
    const { tables } = catalog;
    const unlisted = tables.filter((t) => !t.tenantId && !PLATFORM_TABLES.has(t.name)).map((t) => t.name);
    expect(unlisted, 'a table without tenant_id: add tenant_id, or list it in PLATFORM_TABLES with a reason').toEqual([]);
    const stale = [...PLATFORM_TABLES, ...REFERENCE_TABLES].filter((name) => !tables.some((t) => t.name === name));
    expect(stale, 'listed tables that no longer exist').toEqual([]);
    const platformWithTenant = tables.filter((t) => t.tenantId && PLATFORM_TABLES.has(t.name)).map((t) => t.name);
    expect(platformWithTenant, 'a platform table has a tenant_id: it is clinic-owned now').toEqual([]);
  });

  it('every clinic-owned table keys, constrains and references with tenant_id', () => {
    expect(clinicOwned(catalog).length).toBeGreaterThan(20);
    expect(problemsOf(catalog)).toEqual([]);
  });

  it('catches a new table that breaks the rule (checked on tables made and rolled back here)', async () => {
    const rollback = new Error('rollback');
    let found: string[] = [];
    await getDb().transaction(async (tx) => {
      await tx.execute(sql`create table h14_bad_notes (
        tenant_id uuid not null references tenants(id), id uuid primary key, patient_id uuid not null, code text unique,
        foreign key (tenant_id, patient_id) references patients(tenant_id, id))`);
      await tx.execute(sql`create table h14_bad_links (
        tenant_id uuid, id uuid not null, note_id uuid references h14_bad_notes(id), unique (tenant_id, id))`);
      found = problemsOf(await readCatalog(tx)).filter((p) => p.startsWith('h14_'));
      throw rollback;
    }).catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^h14_bad_notes: primary key .* lacks tenant_id/),
      expect.stringMatching(/^h14_bad_notes: unique .*\(code\) lacks tenant_id/),
      'h14_bad_links.tenant_id is nullable',
      'h14_bad_links has no primary key',
      expect.stringMatching(/^h14_bad_links: foreign key .*\(note_id\) lacks tenant_id/),
      expect.stringMatching(/^h14_bad_links: foreign key .* references h14_bad_notes without its tenant_id/),
    ]));
    expect(found).toHaveLength(6);
  });

  it('platform and reference tables never point into a clinic-owned table', () => {
    const owned = new Set(clinicOwned(catalog).map((t) => t.name));
    const bad = catalog.keys
      .filter((k) => k.kind === 'foreign key' && (PLATFORM_TABLES.has(k.table) || REFERENCE_TABLES.has(k.table)) && owned.has(k.references!))
      .map((k) => `${k.table}.${k.name} → ${k.references}`);
    expect(bad).toEqual([]);
  });
});
