/** WCAG 2.2 colour arithmetic for a clinic's brand colour. Pure: shared by server and browser. */

export const HEX_COLOR = /^#[0-9a-f]{6}$/;

export function normalizeHexColor(input: string): string | null {
  const value = input.trim().toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(value);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  return HEX_COLOR.test(value) ? value : null;
}

function channel(hex: string, offset: number): number {
  const c = parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever reads better on the brand colour. */
export function readableTextOn(background: string): '#ffffff' | '#111827' {
  return contrastRatio(background, '#ffffff') >= contrastRatio(background, '#111827') ? '#ffffff' : '#111827';
}

/** AA for normal text needs 4.5:1. */
export function meetsAaText(background: string, text: string): boolean {
  return contrastRatio(background, text) >= 4.5;
}

function mix(hex: string, target: number, amount: number): string {
  const parts = [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16));
  return `#${parts.map((p) => Math.round(p + (target - p) * amount).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The nearest darker (or lighter) shade of `color` that carries `text` at AA, for the CRM's
 * suggestion when a chosen colour fails.
 */
export function suggestAccessibleShade(color: string, text: string = readableTextOn(color)): string {
  const towards = text === '#ffffff' ? 0 : 255;
  for (let step = 0; step <= 20; step++) {
    const candidate = mix(color, towards, step / 20);
    if (meetsAaText(candidate, text)) return candidate;
  }
  return towards === 0 ? '#000000' : '#ffffff';
}

const DARK_SURFACE = '#0f172a';

/**
 * CSS custom properties for a brand colour: the colour, the text drawn on it, and accents for
 * links and focus rings that read at AA on the light and on the dark page background.
 */
export function brandCssVariables(primary: string): Record<string, string> {
  const color = normalizeHexColor(primary) ?? '#0f766e';
  const accentLight = meetsAaText(color, '#ffffff') ? color : suggestAccessibleShade(color, '#ffffff');
  let accentDark = color;
  for (let step = 0; step <= 20 && !meetsAaText(accentDark, DARK_SURFACE); step++) {
    accentDark = mix(color, 255, step / 20);
  }
  return {
    '--brand': color,
    '--brand-contrast': readableTextOn(color),
    '--brand-accent-light': accentLight,
    '--brand-accent-dark': accentDark,
    '--brand-soft-light': mix(color, 255, 0.9),
    '--brand-soft-dark': mix(color, 0x0f, 0.75),
  };
}
