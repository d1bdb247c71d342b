import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_ACTIONS, ACCESS_LOG_EXCLUDED, ACCESS_LOG_EXCLUDED_PREFIXES, accessRulesByAction, describeAccess, isExcludedFromAccessLog,
} from '@/lib/audit/access-log-rules';
import { accessLog } from '@/lib/i18n/messages/access-log';
import { CHART_SECTIONS } from '@/lib/patients/chart-audit';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(rel, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const ACTION_NAME = /'([a-z][a-z_]*\.[a-z][a-z_]*)'/g;

/**
 * Every audit action name the app can write, read from the source: the values of each
 * `…AuditActions = { … }` catalogue, and any `domain.verb` literal on a line that sets `action:`
 * (a recordAudit call naming its action in place, ternaries included).
 */
function auditActionsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sourceFiles('lib'), ...sourceFiles('app')]) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const block of text.matchAll(/const \w*AuditActions\s*=\s*\{([\s\S]*?)\}/g)) {
      for (const m of block[1]!.matchAll(ACTION_NAME)) if (!found.has(m[1]!)) found.set(m[1]!, file);
    }
    for (const line of text.split('\n')) {
      if (!/\baction:/.test(line)) continue;
      for (const m of line.matchAll(ACTION_NAME)) if (!found.has(m[1]!)) found.set(m[1]!, file);
    }
  }
  return found;
}

describe('"Who viewed my record": the closed list of audit actions', () => {
  const inSource = auditActionsInSource();

  it('finds the audit actions the app writes (the scan itself works)', () => {
    for (const known of ['patient.viewed', 'document.downloaded', 'message.read', 'billing.statement_viewed', 'auth.sign_in', 'platform.clinic_suspended', 'staff.reactivated']) {
      expect(inSource.has(known), known).toBe(true);
    }
    expect(inSource.size).toBeGreaterThan(150);
  });

  it('maps or excludes, with a reason, every audit action written anywhere in lib/ and app/', () => {
    const unclassified = [...inSource].filter(([action]) => !Object.hasOwn(ACCESS_LOG_ACTIONS, action) && !isExcludedFromAccessLog(action))
      .map(([action, file]) => `${action} (${file}): map it in lib/audit/access-log-rules.ts if it reads or changes a patient's record, else exclude it with the reason`);
    expect(unclassified).toEqual([]);
  });

  it('never both maps and excludes an action', () => {
    expect(Object.keys(ACCESS_LOG_ACTIONS).filter((action) => isExcludedFromAccessLog(action))).toEqual([]);
  });

  it('names only actions the app writes (no stale or misspelt entry)', () => {
    const stale = [...Object.keys(ACCESS_LOG_ACTIONS), ...Object.keys(ACCESS_LOG_EXCLUDED)].filter((action) => !inSource.has(action));
    expect(stale).toEqual([]);
    for (const reason of [...Object.values(ACCESS_LOG_EXCLUDED), ...Object.values(ACCESS_LOG_EXCLUDED_PREFIXES)]) expect(reason.length).toBeGreaterThan(10);
  });

  it('words every chart section, and every phrase in English and Spanish', () => {
    const sections = ACCESS_LOG_ACTIONS['patient.section_viewed']!;
    expect('cases' in sections && Object.keys(sections.cases).sort()).toEqual([...CHART_SECTIONS].sort());
    const phrases = new Set(accessRulesByAction().map((r) => r.rule.phrase));
    for (const phrase of phrases) {
      expect(accessLog.en[`phrase_${phrase}`], phrase).toBeTruthy();
      expect(accessLog.es[`phrase_${phrase}`], phrase).toBeTruthy();
    }
  });

  it('tells a file looked at from one saved, by the disposition the download recorded', () => {
    expect(describeAccess('document.downloaded', { area: 'staff', disposition: 'inline' })).toEqual({ kind: 'view', phrase: 'viewedDocument' });
    expect(describeAccess('document.downloaded', { area: 'staff', disposition: 'attachment' })).toEqual({ kind: 'download', phrase: 'downloadedDocument' });
    expect(describeAccess('document.downloaded', null)).toEqual({ kind: 'download', phrase: 'downloadedDocument' });
    expect(describeAccess('message.attachment_read', { disposition: 'inline' })).toMatchObject({ kind: 'view' });
    expect(describeAccess('patient.section_viewed', { section: 'billing' })).toEqual({ kind: 'view', phrase: 'viewedBilling' });
    // A key of the details that happens to be an Object method is not a case.
    expect(describeAccess('patient.section_viewed', { section: 'toString' })).toEqual({ kind: 'view', phrase: 'viewedChart' });
    expect(describeAccess('billing.statement_printed', {})).toEqual({ kind: 'print', phrase: 'printedStatement' });
    expect(describeAccess('auth.sign_in', {})).toBeNull();
    expect(describeAccess('constructor', {})).toBeNull();
  });
});
