import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastRatio } from '@/lib/branding/colors';

/**
 * The dark theme's tokens in app/globals.css: the same for "dark" and for "system" on a dark
 * device, every text token at AA (4.5:1) on every surface, and the `dark:` variant firing for
 * both (it used to fire for the explicit theme only, leaving light-theme reds on a dark page).
 */
const css = readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../app/globals.css'), 'utf8');

function tokens(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}
function blockAfter(selectorAt: number): string {
  const open = css.indexOf('{', selectorAt);
  return css.slice(open + 1, css.indexOf('}', open));
}

describe('dark theme tokens', () => {
  const dark = tokens(blockAfter(css.indexOf("[data-theme='dark'] {")));
  const media = css.indexOf('@media (prefers-color-scheme: dark) {\n  [data-theme=\'system\'] {');
  const system = tokens(blockAfter(css.indexOf("[data-theme='system'] {", media)));
  const light = tokens(blockAfter(css.indexOf('[data-theme], :root {')));

  it('"system" on a dark device uses exactly the dark theme’s tokens', () => {
    expect(media).toBeGreaterThan(0);
    expect(Object.keys(dark).length).toBeGreaterThanOrEqual(4);
    expect(system).toEqual(dark);
  });

  it('every text token reads at AA on every surface, light and dark', () => {
    for (const theme of [light, { ...light, ...dark }]) {
      for (const text of [theme.fg!, theme['fg-muted']!]) {
        for (const surface of [theme.surface!, theme['surface-muted']!]) expect(contrastRatio(text, surface), `${text} on ${surface}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('the dark: variant fires for the dark theme and for "system" under a dark device', () => {
    const variant = css.slice(css.indexOf('@custom-variant dark'), css.indexOf('@theme inline'));
    expect(variant).toContain("[data-theme='dark']");
    expect(variant).toMatch(/@media \(prefers-color-scheme: dark\)\s*\{\s*&:where\(\[data-theme='system'\], \[data-theme='system'\] \*\)/);
  });
});
