import 'server-only';
import { PageSizes, PDFDocument, StandardFonts, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib';
import type { SignerRole } from '@/db/schema';
import { normalizeHexColor, readableTextOn } from '@/lib/branding/colors';
import { fontWriter, hexToRgb, PDF_LINE as LINE, PDF_MARGIN as MARGIN, PDF_MUTED as MUTED, PDF_TEXT as TEXT, wrapText } from '@/lib/pdf/text';
import type { FormDefinition, FormField } from './definition';
import { isAnswered, visibleFields, type AnswerValue, type Answers } from './enable-when';
import type { FormScore } from './scoring';

// The completed form as the PDF filed in the patient's chart (issue 15 point 7): the clinic's name
// on its colour, the form's title and version, the patient, every answered question that was shown
// (sections as headings), the score, each signature (drawing, name, role, time, address, hash) and
// when it was submitted. Standard fonts need no font files; they write WinAnsi only, so other
// characters lose their accent or become "?" rather than failing the filing. Long text wraps and
// runs over as many pages as it needs. English: it is the chart's record.

export interface FormPdfSignature {
  linkId: string;
  signerName: string;
  signerRole: SignerRole;
  method: 'drawn' | 'typed';
  drawingPng: string | null;
  consentText: string;
  contentSha256: string;
  signedAt: Date;
  ipAddress: string | null;
}

export interface FormPdfInput {
  clinicName: string;
  brandColor: string;
  definition: FormDefinition;
  version: number;
  answers: Answers;
  patient: { name: string; dateOfBirth: string };
  submittedAt: Date;
  /** The clinic's zone, for the times written on the form. */
  timeZone: string;
  score: FormScore | null;
  signatures: FormPdfSignature[];
  responseId: string;
  /** For file answers: the stored file's type, by answer (file id). */
  fileTypes?: Record<string, string | null>;
}

const ROLE_LABEL: Record<SignerRole, string> = { patient: 'Patient', guardian: 'Parent or guardian', representative: 'Representative' };

type FontName = 'regular' | 'bold';

class Layout {
  private page!: PDFPage;
  private y = 0;
  private pages = 0;
  readonly width: number;
  readonly clean: (text: string) => string;

  constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: Record<FontName, PDFFont>,
    private readonly footer: string,
  ) {
    this.width = PageSizes.Letter[0] - 2 * MARGIN;
    this.clean = fontWriter(fonts.regular);
  }

  newPage(top = MARGIN) {
    this.page = this.doc.addPage(PageSizes.Letter);
    this.pages += 1;
    this.y = PageSizes.Letter[1] - top;
    this.page.drawText(this.clean(`${this.footer} · page ${this.pages}`), { x: MARGIN, y: MARGIN / 2, size: 8, font: this.fonts.regular, color: MUTED });
  }

  get currentPage() {
    return this.page;
  }

  ensure(height: number) {
    if (this.y - height < MARGIN) this.newPage();
  }

  gap(points: number) {
    this.y -= points;
  }

  text(text: string, options: { size: number; font?: FontName; color?: RGB; indent?: number }) {
    const font = this.fonts[options.font ?? 'regular'];
    const indent = options.indent ?? 0;
    const leading = options.size * 1.35;
    for (const line of wrapText(this.clean(text), font, options.size, this.width - indent)) {
      this.ensure(leading);
      this.y -= leading;
      if (line) this.page.drawText(line, { x: MARGIN + indent, y: this.y, size: options.size, font, color: options.color ?? TEXT });
    }
  }

  rule() {
    this.ensure(8);
    this.y -= 4;
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: MARGIN + this.width, y: this.y }, thickness: 0.5, color: LINE });
    this.y -= 4;
  }

  image(image: PDFImage, maxWidth: number, maxHeight: number) {
    const scale = Math.min(maxWidth / image.width, maxHeight / image.height, 1);
    const width = image.width * scale;
    const height = image.height * scale;
    this.ensure(height + 4);
    this.y -= height + 4;
    this.page.drawImage(image, { x: MARGIN, y: this.y, width, height });
    this.page.drawRectangle({ x: MARGIN, y: this.y, width, height, borderColor: LINE, borderWidth: 0.5 });
  }

  band(color: RGB, textColor: RGB, title: string, height: number) {
    const [w, h] = PageSizes.Letter;
    this.page.drawRectangle({ x: 0, y: h - height, width: w, height, color });
    this.page.drawText(this.clean(title).slice(0, 90), { x: MARGIN, y: h - height / 2 - 7, size: 18, font: this.fonts.bold, color: textColor });
    this.y = h - height - 24;
  }
}

/** An answer in words: option labels rather than codes, Yes/No, a file's type. */
export function answerText(field: FormField, value: AnswerValue, fileTypes: Record<string, string | null> = {}): string {
  const label = (code: string) => field.options?.find((o) => o.code === code)?.label ?? code;
  switch (field.type) {
    case 'single_choice':
      return typeof value === 'string' ? label(value) : '';
    case 'multiple_choice':
      return Array.isArray(value) ? value.map(label).join('; ') : '';
    case 'yes_no':
      return value === true ? 'Yes' : value === false ? 'No' : '';
    case 'file': {
      const type = typeof value === 'string' ? fileTypes[value] : null;
      const kind = type === 'application/pdf' ? 'PDF' : type === 'image/png' ? 'PNG image' : type === 'image/jpeg' ? 'JPG image' : 'file';
      return `${kind} attached (kept with the form, reference ${String(value)})`;
    }
    default:
      return value === null || value === undefined ? '' : String(value);
  }
}

function formatInstant(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'long', timeZone }).format(at);
  } catch {
    return `${at.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  }
}

export async function renderFormPdf(input: FormPdfInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const { definition } = input;
  doc.setTitle(`${definition.title} — ${input.patient.name}`);
  doc.setAuthor(input.clinicName);
  doc.setCreator('Carebridge');
  doc.setProducer('Carebridge');
  // Fixed dates: the same response always makes the same file.
  doc.setCreationDate(input.submittedAt);
  doc.setModificationDate(input.submittedAt);
  const fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  const layout = new Layout(doc, fonts, `${input.clinicName} · ${definition.title} (version ${input.version}) · ${input.patient.name}`);
  const brand = normalizeHexColor(input.brandColor) ?? '#1f2937';

  layout.newPage();
  layout.band(hexToRgb(brand), hexToRgb(readableTextOn(brand)), input.clinicName, 72);
  layout.text(definition.title, { size: 17, font: 'bold' });
  layout.text(`Version ${input.version}`, { size: 10, color: MUTED });
  layout.gap(8);
  layout.text(`Patient: ${input.patient.name}`, { size: 11 });
  layout.text(`Date of birth: ${input.patient.dateOfBirth}`, { size: 11 });
  layout.text(`Submitted: ${formatInstant(input.submittedAt, input.timeZone)}`, { size: 11 });
  layout.rule();

  const visible = visibleFields(definition, input.answers);
  const walk = (fields: readonly FormField[], depth: number) => {
    for (const field of fields) {
      if (!visible.has(field.linkId)) continue;
      if (field.type === 'section') {
        layout.gap(6);
        layout.text(field.label, { size: depth === 0 ? 13 : 12, font: 'bold' });
        walk(field.fields ?? [], depth + 1);
        continue;
      }
      if (field.type === 'display' || field.type === 'signature') continue;
      const value = input.answers[field.linkId];
      if (!isAnswered(value)) continue;
      layout.gap(4);
      layout.text(field.label, { size: 10, font: 'bold', color: MUTED });
      layout.text(answerText(field, value, input.fileTypes), { size: 11 });
    }
  };
  walk(definition.fields, 0);

  if (input.score) {
    layout.rule();
    const partial = input.score.unanswered > 0 ? ` (${input.score.unanswered} scored question${input.score.unanswered === 1 ? '' : 's'} unanswered)` : '';
    layout.text(`Score: ${input.score.score}${input.score.band ? ` — ${input.score.band}` : ''}${partial}`, { size: 12, font: 'bold' });
  }

  for (const signature of input.signatures) {
    layout.rule();
    layout.text('Signature', { size: 12, font: 'bold' });
    layout.text(signature.consentText, { size: 10 });
    layout.gap(4);
    if (signature.drawingPng) {
      try {
        layout.image(await doc.embedPng(Buffer.from(signature.drawingPng, 'base64')), 220, 80);
      } catch {
        layout.text('(The drawn signature could not be shown.)', { size: 9, color: MUTED });
      }
    }
    layout.text(`Signed by ${signature.signerName} (${ROLE_LABEL[signature.signerRole]})${signature.method === 'typed' ? ', typed name' : ''}`, { size: 11, font: 'bold' });
    layout.text(`Signed at ${formatInstant(signature.signedAt, input.timeZone)}${signature.ipAddress ? ` from ${signature.ipAddress}` : ''}`, { size: 9, color: MUTED });
    layout.text(`SHA-256 of the signed text and answers: ${signature.contentSha256}`, { size: 8, color: MUTED });
  }

  layout.rule();
  layout.text(`Response ${input.responseId}. Submitted ${formatInstant(input.submittedAt, input.timeZone)}.`, { size: 8, color: MUTED });
  return doc.save({ useObjectStreams: false });
}
