import 'server-only';
import { rgb, type PDFFont, type RGB } from 'pdf-lib';

// Text on the product's PDFs (the filed forms, the portal handout), written once. Standard fonts
// (Helvetica) need no font files but write WinAnsi only: a character outside it loses its accent
// or becomes "?" rather than failing the document.

export const PDF_MARGIN = 54;
export const PDF_TEXT = rgb(0.067, 0.094, 0.153); // #111827, as the portal's text
export const PDF_MUTED = rgb(0.294, 0.333, 0.388); // #4b5563: 7.6:1 on white
export const PDF_LINE = rgb(0.82, 0.84, 0.86);

export function hexToRgb(hex: string): RGB {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/**
 * What `font` can write of a text, each character checked once. Tabs become spaces; line breaks
 * are kept for wrapText (paragraphs) unless `singleLine`.
 */
export function fontWriter(font: PDFFont, { singleLine = false } = {}): (text: string) => string {
  const known = new Map<string, string>();
  const encodable = (ch: string) => {
    try {
      font.encodeText(ch);
      return true;
    } catch {
      return false;
    }
  };
  return (text) => {
    let out = '';
    for (const ch of text.replace(singleLine ? /[\t\r\n]+/g : /\t/g, ' ')) {
      let safe = known.get(ch);
      if (safe === undefined) {
        const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
        safe = encodable(ch) ? ch : base && [...base].every(encodable) ? base : '?';
        known.set(ch, safe);
      }
      out += safe;
    }
    return out;
  };
}

/** Lines of at most `width` points, paragraph breaks kept; a word longer than a line (an address) breaks where it must. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (fits(candidate)) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (!fits(line)) {
        let cut = line.length - 1;
        while (cut > 1 && !fits(line.slice(0, cut))) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    lines.push(line);
  }
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
