import 'server-only';
import { PageSizes, PDFDocument, PDFString, rgb, StandardFonts, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { readableTextOn } from '@/lib/branding/colors';
import { fontWriter, hexToRgb, PDF_LINE as LINE, PDF_MARGIN as MARGIN, PDF_MUTED as MUTED, PDF_TEXT as TEXT, wrapText as wrap } from '@/lib/pdf/text';
import type { Handout, HandoutBlock } from './content';
import type { HandoutLogo } from './logo';

/**
 * The handout as a PDF, laid out from the same content model as the print view. Standard fonts
 * (Helvetica) need no font files; they write WinAnsi only, so a character outside it (a clinic's
 * note in Hungarian, say) is written without its accent rather than failing the download.
 */

export const PAPER_SIZES = { letter: PageSizes.Letter, a4: PageSizes.A4 } as const;
export type Paper = keyof typeof PAPER_SIZES;

const BAND_HEIGHT = 84;

class Layout {
  private page!: PDFPage;
  private y = 0;
  readonly width: number;

  constructor(
    private readonly doc: PDFDocument,
    private readonly size: readonly [number, number],
    private readonly footer: string,
    private readonly fonts: { regular: PDFFont; bold: PDFFont; italic: PDFFont },
    readonly clean: (text: string) => string,
  ) {
    this.width = size[0] - 2 * MARGIN;
  }

  get current() {
    return { page: this.page, y: this.y };
  }

  newPage(top = MARGIN) {
    this.page = this.doc.addPage([this.size[0], this.size[1]]);
    this.y = this.size[1] - top;
    // The address on every page: a sheet that lost its first page still says where to go.
    this.page.drawText(this.clean(this.footer), { x: MARGIN, y: MARGIN / 2, size: 8, font: this.fonts.regular, color: MUTED });
  }

  /** Room for `height` points, or a new page. */
  ensure(height: number) {
    if (this.y - height < MARGIN) this.newPage();
  }

  gap(points: number) {
    this.y -= points;
  }

  moveTo(y: number) {
    this.y = y;
  }

  /** Up to two titled entries side by side, each in its column; the row moves on by the taller. */
  pair(entries: readonly { title: string; text: string }[]) {
    const size = 10.5;
    const leading = size * 1.35;
    const gutter = 18;
    const column = (this.width - gutter) / 2;
    const laid = entries.map((e) => ({
      title: wrap(this.clean(e.title), this.fonts.bold, size, column),
      text: wrap(this.clean(e.text), this.fonts.regular, size, column),
    }));
    const rows = Math.max(...laid.map((l) => l.title.length + l.text.length));
    this.ensure(rows * leading);
    laid.forEach((l, i) => {
      const x = MARGIN + i * (column + gutter);
      let y = this.y;
      for (const line of l.title) this.page.drawText(line, { x, y: (y -= leading), size, font: this.fonts.bold, color: TEXT });
      for (const line of l.text) this.page.drawText(line, { x, y: (y -= leading), size, font: this.fonts.regular, color: TEXT });
    });
    this.y -= rows * leading;
  }

  /** The height `text` takes at `size` (as text() lays it out), to keep a block on one page. */
  heightOf(text: string, size: number, options: { font?: 'regular' | 'bold' | 'italic'; indent?: number } = {}) {
    return wrap(this.clean(text), this.fonts[options.font ?? 'regular'], size, this.width - (options.indent ?? 0)).length * size * 1.35;
  }

  /** The height of a page's writing area. */
  get pageRoom() {
    return this.size[1] - 2 * MARGIN;
  }

  text(text: string, options: { size: number; font?: 'regular' | 'bold' | 'italic'; color?: RGB; indent?: number; lineGap?: number; prefix?: string }) {
    const font = this.fonts[options.font ?? 'regular'];
    const indent = options.indent ?? 0;
    const leading = options.size * (options.lineGap ?? 1.35);
    const lines = wrap(this.clean(text), font, options.size, this.width - indent);
    lines.forEach((line, i) => {
      this.ensure(leading);
      this.y -= leading;
      if (i === 0 && options.prefix) {
        this.page.drawText(options.prefix, { x: MARGIN + indent - 16, y: this.y, size: options.size, font: this.fonts.bold, color: options.color ?? TEXT });
      }
      this.page.drawText(line, { x: MARGIN + indent, y: this.y, size: options.size, font, color: options.color ?? TEXT });
    });
  }
}

export async function renderHandoutPdf(handout: Handout, options: { logo?: HandoutLogo | null; paper?: Paper } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(handout.documentTitle, { showInWindowTitleBar: true });
  doc.setAuthor(handout.clinicName);
  doc.setLanguage(handout.lang);
  doc.setCreator('Carebridge');
  doc.setProducer('Carebridge');
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    italic: await doc.embedFont(StandardFonts.HelveticaOblique),
  };
  const clean = fontWriter(fonts.regular, { singleLine: true });
  const size = PAPER_SIZES[options.paper ?? 'letter'];
  const layout = new Layout(doc, size, `${handout.clinicName} · ${handout.address.url}`, fonts, clean);

  // The band: the clinic's colour with its name in the text colour that reads on it (AA).
  layout.newPage(0);
  const { page } = layout.current;
  const [pageWidth, pageHeight] = size;
  const brand = hexToRgb(handout.brandColor);
  const onBrand = hexToRgb(readableTextOn(handout.brandColor));
  page.drawRectangle({ x: 0, y: pageHeight - BAND_HEIGHT, width: pageWidth, height: BAND_HEIGHT, color: brand });
  let nameX = MARGIN;
  if (options.logo) {
    const image = options.logo.type === 'png' ? await doc.embedPng(options.logo.bytes) : await doc.embedJpg(options.logo.bytes);
    const box = BAND_HEIGHT - 24;
    const scale = Math.min((box - 8) / image.height, 160 / image.width);
    const w = image.width * scale;
    const h = image.height * scale;
    // A white tile behind the logo: logos are drawn for light backgrounds.
    page.drawRectangle({ x: MARGIN, y: pageHeight - 12 - box, width: w + 8, height: box, color: rgb(1, 1, 1) });
    page.drawImage(image, { x: MARGIN + 4, y: pageHeight - 12 - box + (box - h) / 2, width: w, height: h });
    nameX = MARGIN + w + 20;
  }
  const name = wrap(clean(handout.clinicName), fonts.bold, 18, pageWidth - MARGIN - nameX)[0]!;
  page.drawText(name, { x: nameX, y: pageHeight - BAND_HEIGHT / 2 - 6, size: 18, font: fonts.bold, color: onBrand });

  layout.moveTo(pageHeight - BAND_HEIGHT - 16);
  layout.text(handout.heading, { size: 22, font: 'bold' });
  layout.gap(4);
  layout.text(handout.intro, { size: 11 });
  layout.gap(14);

  // The address, boxed, with the brand colour as a bar down its side, and clickable.
  const addressLines = wrap(clean(handout.address.url), fonts.bold, 16, layout.width - 24);
  const boxHeight = 22 + addressLines.length * 20 + 18;
  layout.ensure(boxHeight);
  const top = layout.current.y;
  const boxPage = layout.current.page;
  boxPage.drawRectangle({ x: MARGIN, y: top - boxHeight, width: layout.width, height: boxHeight, borderColor: LINE, borderWidth: 1 });
  boxPage.drawRectangle({ x: MARGIN, y: top - boxHeight, width: 5, height: boxHeight, color: brand });
  boxPage.drawText(clean(handout.address.label), { x: MARGIN + 16, y: top - 18, size: 9, font: fonts.bold, color: MUTED });
  addressLines.forEach((line, i) => boxPage.drawText(line, { x: MARGIN + 16, y: top - 38 - i * 20, size: 16, font: fonts.bold, color: TEXT }));
  boxPage.drawText(clean(handout.address.hint), { x: MARGIN + 16, y: top - boxHeight + 9, size: 9, font: fonts.regular, color: MUTED });
  addLink(doc, boxPage, handout.address.url, [MARGIN, top - boxHeight, MARGIN + layout.width, top]);
  layout.moveTo(top - boxHeight - 8);

  for (const block of handout.blocks) drawBlock(layout, block);

  layout.gap(12);
  layout.ensure(40);
  const rule = layout.current;
  rule.page.drawLine({ start: { x: MARGIN, y: rule.y }, end: { x: MARGIN + layout.width, y: rule.y }, thickness: 0.75, color: LINE });
  layout.gap(2);
  for (const line of handout.footer) layout.text(line, { size: 9, color: MUTED });

  return doc.save();
}

function drawBlock(layout: Layout, block: HandoutBlock) {
  layout.gap(14);
  // A block of steps or text starts on a new page rather than break (when it fits on one); a
  // heading is never left alone at the foot of a page.
  const body = block.kind === 'steps'
    ? block.steps.reduce((h, step) => h + layout.heightOf(step, 10.5, { indent: 18 }), 0) + (block.after ? 3 + layout.heightOf(block.after, 10, { font: 'italic' }) : 0)
    : block.kind === 'text' ? block.paragraphs.reduce((h, p) => h + 5 + p.split('\n').reduce((l, line) => l + layout.heightOf(line, 10.5), 0), 0) : 0;
  layout.ensure(Math.min(layout.heightOf(block.heading, 13, { font: 'bold' }) + 2 + Math.max(body, 34), layout.pageRoom));
  layout.text(block.heading, { size: 13, font: 'bold' });
  layout.gap(2);
  switch (block.kind) {
    case 'text':
      block.paragraphs.forEach((p, i) => {
        if (i > 0) layout.gap(5);
        // A single line break in the clinic's paragraph is kept, as the print view keeps it.
        for (const line of p.split('\n')) layout.text(line, { size: 10.5 });
      });
      break;
    case 'steps':
      block.steps.forEach((step, i) => layout.text(step, { size: 10.5, indent: 18, prefix: `${i + 1}.` }));
      if (block.after) {
        layout.gap(3);
        layout.text(block.after, { size: 10, font: 'italic', color: MUTED });
      }
      break;
    case 'features':
      for (let i = 0; i < block.items.length; i += 2) {
        layout.gap(4);
        layout.pair(block.items.slice(i, i + 2));
      }
      break;
  }
}

function addLink(doc: PDFDocument, page: PDFPage, url: string, [x1, y1, x2, y2]: [number, number, number, number]) {
  const annotation = doc.context.obj({
    Type: 'Annot', Subtype: 'Link', Rect: [x1, y1, x2, y2], Border: [0, 0, 0],
    A: { Type: 'Action', S: 'URI', URI: PDFString.of(url) },
  });
  page.node.addAnnot(doc.context.register(annotation));
}
