import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Icons come from one set, lucide-react (one stroke, one size scale, aria-hidden beside a text
 * label): no hand-drawn <svg> in components, and no Unicode arrows or check marks standing in for
 * icons (they render in each platform's font, at each platform's size). Arrows inside a sentence
 * ("CRM → Billing") are words and stay.
 */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// Files another part of the same issue is rewriting; they switch when they land (none now).
const PENDING = new Set<string>();

function tsxFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? tsxFiles(rel) : entry.name.endsWith('.tsx') ? [rel] : [];
  });
}

const GLYPH_ICON = /<span aria-hidden(?:="true")?[^>]*>\s*[←→↑↓▾▴▸▶✓✔✕✖☑☐]\s*<\/span>|['"`][←→↑↓▾▸▶✓✔☑☐] ?['"`$]/;

export function iconProblems(file: string, source: string): string[] {
  const problems: string[] = [];
  source.split('\n').forEach((line, i) => {
    if (/<svg[\s>]/.test(line)) problems.push(`${file}:${i + 1}: inline <svg>`);
    if (GLYPH_ICON.test(line)) problems.push(`${file}:${i + 1}: a character used as an icon`);
  });
  return problems;
}

describe('icons from one set', () => {
  it('finds no inline svg or glyph icons in app/ and components/', () => {
    const problems = [...tsxFiles('app'), ...tsxFiles('components')]
      .filter((file) => !PENDING.has(file))
      .flatMap((file) => iconProblems(file, readFileSync(path.join(ROOT, file), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('tells an icon from an arrow in a sentence', () => {
    expect(iconProblems('x.tsx', '<span aria-hidden>←</span>&nbsp;Newer')).toHaveLength(1);
    expect(iconProblems('x.tsx', "{day.done ? '☑' : '☐'}")).toHaveLength(1);
    expect(iconProblems('x.tsx', '<svg viewBox="0 0 24 24">')).toHaveLength(1);
    expect(iconProblems('x.tsx', '<p>Turn it on under CRM → Billing.</p>')).toEqual([]);
    expect(iconProblems('x.tsx', '<ArrowLeft aria-hidden className="size-4" />')).toEqual([]);
  });
});
