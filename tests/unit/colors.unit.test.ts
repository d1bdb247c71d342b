import { describe, expect, it } from 'vitest';
import {
  brandCssVariables,
  contrastRatio,
  meetsAaText,
  normalizeHexColor,
  readableTextOn,
  suggestAccessibleShade,
} from '@/lib/branding/colors';

describe('brand colours', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#0f766e', '#ffffff')).toBeGreaterThan(4.5);
  });

  it('normalises hex input', () => {
    expect(normalizeHexColor(' #ABC ')).toBe('#aabbcc');
    expect(normalizeHexColor('#1D4ED8')).toBe('#1d4ed8');
    expect(normalizeHexColor('blue')).toBeNull();
    expect(normalizeHexColor('#12345')).toBeNull();
  });

  it('picks the readable text colour for a background', () => {
    expect(readableTextOn('#1d4ed8')).toBe('#ffffff');
    expect(readableTextOn('#fde047')).toBe('#111827');
  });

  it('suggests a shade that passes AA when a colour fails', () => {
    const light = '#5eead4';
    expect(meetsAaText(light, '#ffffff')).toBe(false);
    const suggestion = suggestAccessibleShade(light, '#ffffff');
    expect(meetsAaText(suggestion, '#ffffff')).toBe(true);
  });

  it('derives accents that read on light and dark surfaces', () => {
    const vars = brandCssVariables('#5eead4');
    expect(meetsAaText(vars['--brand-accent-light']!, '#ffffff')).toBe(true);
    expect(meetsAaText(vars['--brand-accent-dark']!, '#0f172a')).toBe(true);
    expect(meetsAaText(vars['--brand']!, vars['--brand-contrast']!)).toBe(true);
  });
});
