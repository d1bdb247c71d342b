import 'server-only';
import { brandCssVariables, meetsAaText, normalizeHexColor, readableTextOn, suggestAccessibleShade } from '@/lib/branding/colors';

/**
 * The colours an email draws with, from the clinic's brand colour and by the portal's rules
 * (lib/branding/colors.ts): text on the brand colour is white or near-black, whichever reads
 * better, and the fill is darkened (or lightened) until that text reaches WCAG AA, as the CRM
 * suggests for a failing colour; links use the portal's accent for a light page. Email clients
 * have no CSS variables, so the values are written into each element's style.
 */
export interface EmailPalette {
  /** Header band and buttons: the brand colour, or the nearest shade that carries `onFill` at AA. */
  fill: string;
  onFill: '#ffffff' | '#111827';
  /** Links on the white card (AA against white). */
  link: string;
  text: string;
  muted: string;
  page: string;
  card: string;
  line: string;
}

const DEFAULT_BRAND = '#0f766e';

export function emailPalette(primaryColor: string): EmailPalette {
  const brand = normalizeHexColor(primaryColor) ?? DEFAULT_BRAND;
  const onFill = readableTextOn(brand);
  return {
    fill: meetsAaText(brand, onFill) ? brand : suggestAccessibleShade(brand, onFill),
    onFill,
    link: brandCssVariables(brand)['--brand-accent-light']!,
    // Zinc greys: 15.6:1 and 7.7:1 on the white card, 7.3:1 for the muted text on the page.
    text: '#18181b',
    muted: '#52525b',
    page: '#f4f4f5',
    card: '#ffffff',
    line: '#e4e4e7',
  };
}
