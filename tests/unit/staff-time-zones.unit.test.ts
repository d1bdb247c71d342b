import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every time a screen shows is in a stated zone (the clinic location's for staff, the patient's
 * in the portal): a date formatted without `timeZone` takes the server's zone, which is UTC on
 * Vercel and something else on a laptop, so the same visit reads at two different hours. This
 * reads app/ and components/ the way a lint rule would and names each call that leaves the zone
 * out. Staff screens format through lib/intl/clinic-time.ts.
 */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** The text between the parenthesis at `open` and its partner, skipping strings. */
export function argumentsAt(source: string, open: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return source.slice(open + 1, i);
  }
  return source.slice(open + 1);
}

const DATE_OPTION = /\b(dateStyle|timeStyle|year|month|day|weekday|hour|minute|second|timeZoneName)\b/;

/** Calls that format a date without naming its zone, as `file:line: call`. */
export function zonelessDateCalls(file: string, source: string): string[] {
  const found: string[] = [];
  const report = (index: number, call: string) => {
    const line = source.slice(0, index).split('\n').length;
    found.push(`${file}:${line}: ${call}`);
  };
  for (const match of source.matchAll(/\.toLocale(Date|Time)?String\(|new Intl\.DateTimeFormat\(|\bdateTimeFormat\(/g)) {
    const open = match.index + match[0].length - 1;
    const args = argumentsAt(source, open);
    if (/\btimeZone\b/.test(args)) continue;
    // A number's toLocaleString('en-US') groups digits: only a call with date options (or none,
    // which for a Date prints the server's zone) is about time.
    if (match[0] === '.toLocaleString(' && args.trim() !== '' && !DATE_OPTION.test(args)) continue;
    report(match.index, `${match[0]}${args.replace(/\s+/g, ' ').slice(0, 60)})`);
  }
  // date-fns' format() uses the process's zone; @date-fns/tz (TZDate, tz()) names one.
  for (const match of source.matchAll(/import\s*\{[^}]*\bformat\b[^}]*\}\s*from\s*'date-fns'/g)) report(match.index, "format from 'date-fns'");
  return found;
}

describe('dates on screens name their time zone', () => {
  it('finds no date formatted in the server’s zone in app/ or components/', () => {
    const offenders = [...sourceFiles('app'), ...sourceFiles('components')]
      .flatMap((file) => zonelessDateCalls(file, readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('catches the shapes a zone-less call takes, and passes the ones that name it', () => {
    const bad = [
      "const f = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });",
      "at.toLocaleDateString('en-US', { dateStyle: 'medium' })",
      'at.toLocaleString()',
      "at.toLocaleString('en-US', {\n  dateStyle: 'medium',\n})",
      "dateTimeFormat('en-US', { hour: 'numeric' })",
      "import { addDays, format } from 'date-fns';",
    ];
    for (const source of bad) expect(zonelessDateCalls('x.tsx', source), source).toHaveLength(1);
    const good = [
      "new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' })",
      "dateTimeFormat('en-US', {\n  hour: 'numeric',\n  timeZone,\n})",
      "count.toLocaleString('en-US')",
      "at.toLocaleString('en-US', { dateStyle: 'medium', timeZone: zone })",
      "import { addDays } from 'date-fns';",
      "const s = 'toLocaleString(' + x;",
    ];
    for (const source of good) expect(zonelessDateCalls('x.tsx', source), source).toEqual([]);
  });
});
