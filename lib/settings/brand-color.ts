import { contrastRatio, meetsAaText, readableTextOn, suggestAccessibleShade } from '@/lib/branding/colors';

export interface ColorCheck {
  color: string;
  text: '#ffffff' | '#111827';
  ratio: number;
  passes: boolean;
  /** A nearby shade that passes, when `color` does not. */
  suggestion: string | null;
}

/** The text drawn on a brand colour must read at WCAG AA (4.5:1). Pure: the form runs it live. */
export function checkBrandColor(color: string): ColorCheck {
  const text = readableTextOn(color);
  const passes = meetsAaText(color, text);
  return {
    color,
    text,
    // Rounded down, so a colour just under 4.5 never reads as "4.5:1" beside a refusal.
    ratio: Math.floor(contrastRatio(color, text) * 100) / 100,
    passes,
    suggestion: passes ? null : suggestAccessibleShade(color, text),
  };
}
