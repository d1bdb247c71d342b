import 'server-only';
import { PageSizes, PDFDocument, StandardFonts, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import type { InvoiceStatus, PaymentMethod } from '@/db/schema/billing';
import { formatters, INTL_LOCALE, translator, type Locale, type Translate } from '@/lib/i18n/core';
import { billing } from '@/lib/i18n/messages/billing';
import { fontWriter, PDF_LINE as LINE, PDF_MARGIN as MARGIN, PDF_MUTED as MUTED, PDF_TEXT as TEXT, wrapText } from '@/lib/pdf/text';
import { formatMoney } from './money';
import { invoiceLabel, receiptLabel } from './numbering';

/**
 * The invoice and the receipt as printable PDFs (issue 16 point 4), for the portal (in the
 * patient's language) and the EMR (English). They show what the patient may read on the invoice
 * page and no more: the lines, totals, what was paid and is due, the clinic's footer and tax id.
 * Never a void reason or a staff memo (the callers' views leave them out, and these inputs have no
 * place for them). Standard fonts write WinAnsi only: other characters lose their accent or become
 * "?" rather than failing the download.
 */

export interface PdfClinic {
  name: string;
  footer: string | null;
  taxId: string | null;
}

export interface InvoicePdfInput {
  clinic: PdfClinic;
  /** The patient's name, as "billed to". */
  billedTo: string;
  label: string;
  status: InvoiceStatus;
  issueDate: string | null;
  dueDate: string | null;
  currency: string;
  lines: readonly { description: string; quantity: number; unitAmount: number; discountAmount: number; taxAmount: number; total: number }[];
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  /** From the ledger: what the invoice asks for now (credits included), paid less refunds, still owed. */
  sums: { charged: number; paid: number; due: number };
  /** The clinic's note to the patient on the invoice. */
  note: string | null;
}

export interface ReceiptPdfInput {
  clinic: PdfClinic;
  billedTo: string;
  receiptLabel: string;
  paidAt: Date;
  /** The zone the time is written in (the patient's, else the clinic's). */
  timeZone: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  card: { brand: string; last4: string } | null;
  invoices: readonly { label: string; amount: number }[];
  refunded: number;
}

/** The fields of an invoice view (staff's getInvoice or the portal's getPortalInvoice) a PDF takes. */
export interface InvoiceForPdf {
  label: string;
  status: InvoiceStatus;
  issueDate: string | null;
  dueDate: string | null;
  currency: string;
  lines: InvoicePdfInput['lines'];
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
  sums: InvoicePdfInput['sums'];
  note: string | null;
  patient: { firstName: string; lastName: string };
  clinic: { footer: string | null; taxId: string | null };
}

/** An invoice view as the PDF's input: only the fields named here reach the document. */
export function invoicePdfInput(invoice: InvoiceForPdf, clinicName: string): InvoicePdfInput {
  return {
    clinic: { name: clinicName, footer: invoice.clinic.footer, taxId: invoice.clinic.taxId },
    billedTo: `${invoice.patient.firstName} ${invoice.patient.lastName}`,
    label: invoice.label, status: invoice.status, issueDate: invoice.issueDate, dueDate: invoice.dueDate, currency: invoice.currency,
    lines: invoice.lines.map((l) => ({
      description: l.description, quantity: l.quantity, unitAmount: l.unitAmount, discountAmount: l.discountAmount, taxAmount: l.taxAmount, total: l.total,
    })),
    subtotal: invoice.subtotal, discountTotal: invoice.discountTotal, taxTotal: invoice.taxTotal, total: invoice.total,
    sums: { charged: invoice.sums.charged, paid: invoice.sums.paid, due: invoice.sums.due },
    note: invoice.note,
  };
}

/** The fields of a payment view (the portal's getPortalPayment, or staff's) a receipt takes. */
export interface PaymentForReceipt {
  amount: number;
  currency: string;
  method: PaymentMethod;
  cardBrand: string | null;
  cardLast4: string | null;
  receiptNumber: number | null;
  succeededAt: Date | null;
  createdAt: Date;
  invoices: readonly { number: number | null; amount: number }[];
  refunded: number;
}

/** A succeeded payment as the receipt's input. */
export function receiptPdfInput(payment: PaymentForReceipt, context: { clinic: PdfClinic; billedTo: string; timeZone: string }): ReceiptPdfInput {
  return {
    ...context,
    receiptLabel: receiptLabel(payment.receiptNumber),
    paidAt: payment.succeededAt ?? payment.createdAt,
    amount: payment.amount,
    currency: payment.currency,
    method: payment.method,
    card: payment.cardBrand && payment.cardLast4 ? { brand: payment.cardBrand, last4: payment.cardLast4 } : null,
    invoices: payment.invoices.map((i) => ({ label: invoiceLabel(i.number), amount: i.amount })),
    refunded: payment.refunded,
  };
}

const SIZE = PageSizes.Letter;

class Sheet {
  private page!: PDFPage;
  private y = 0;
  private readonly pages: PDFPage[] = [];
  readonly width = SIZE[0] - 2 * MARGIN;
  readonly clean: (text: string) => string;

  constructor(private readonly doc: PDFDocument, readonly fonts: { regular: PDFFont; bold: PDFFont }) {
    const write = fontWriter(fonts.regular, { singleLine: true });
    // Intl writes narrow and thin spaces in some amounts and dates ("12,00 US$"); WinAnsi has none.
    this.clean = (text) => write(text.replace(/[\u2009\u202f]/g, ' '));
    this.newPage();
  }

  newPage() {
    this.page = this.doc.addPage([SIZE[0], SIZE[1]]);
    this.pages.push(this.page);
    this.y = SIZE[1] - MARGIN;
  }

  ensure(height: number) {
    if (this.y - height < MARGIN + 24) this.newPage();
  }

  gap(points: number) {
    this.y -= points;
  }

  /** Wrapped text from `x` over `width`; returns the lines' height. */
  text(value: string, options: { size: number; bold?: boolean; color?: RGB; x?: number; width?: number }) {
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const leading = options.size * 1.35;
    for (const line of wrapText(this.clean(value), font, options.size, options.width ?? this.width)) {
      this.ensure(leading);
      this.y -= leading;
      this.page.drawText(line, { x: MARGIN + (options.x ?? 0), y: this.y, size: options.size, font, color: options.color ?? TEXT });
    }
  }

  /** One row of cells; `align: 'right'` cells end at their column's right edge. The row is as tall as its tallest cell. */
  row(cells: readonly { text: string; width: number; align?: 'left' | 'right'; bold?: boolean }[], size = 10) {
    const leading = size * 1.35;
    const laid = cells.map((c) => wrapText(this.clean(c.text), c.bold ? this.fonts.bold : this.fonts.regular, size, c.width - 6));
    const height = Math.max(...laid.map((l) => l.length)) * leading;
    this.ensure(height + 4);
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const font = cell.bold ? this.fonts.bold : this.fonts.regular;
      laid[i]!.forEach((line, n) => {
        const at = cell.align === 'right' ? x + cell.width - font.widthOfTextAtSize(line, size) : x;
        this.page.drawText(line, { x: at, y: this.y - leading * (n + 1), size, font, color: TEXT });
      });
      x += cell.width;
    });
    this.y -= height + 4;
  }

  rule() {
    this.ensure(6);
    this.page.drawLine({ start: { x: MARGIN, y: this.y - 2 }, end: { x: MARGIN + this.width, y: this.y - 2 }, thickness: 0.75, color: LINE });
    this.y -= 6;
  }

  /** The page numbers, once every page exists. */
  number(label: (page: number, pages: number) => string) {
    this.pages.forEach((page, i) => {
      page.drawText(this.clean(label(i + 1, this.pages.length)), { x: MARGIN, y: MARGIN / 2, size: 8, font: this.fonts.regular, color: MUTED });
    });
  }
}

async function start(title: string, clinic: PdfClinic, locale: Locale) {
  const doc = await PDFDocument.create();
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(clinic.name);
  doc.setLanguage(locale);
  doc.setCreator('Carebridge');
  doc.setProducer('Carebridge');
  const sheet = new Sheet(doc, { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) });
  return { doc, sheet };
}

/** The clinic's name, then the document's kind and number. */
function heading(sheet: Sheet, clinic: PdfClinic, kind: string, label: string) {
  sheet.text(clinic.name, { size: 18, bold: true });
  sheet.gap(10);
  sheet.text(`${kind} ${label}`, { size: 15, bold: true });
  sheet.gap(8);
}

/** Term and value pairs, one a line. */
function facts(sheet: Sheet, pairs: readonly [string, string][]) {
  for (const [term, value] of pairs) sheet.row([{ text: term, width: 140, bold: true }, { text: value, width: sheet.width - 140 }], 10.5);
}

function clinicFooter(sheet: Sheet, clinic: PdfClinic, t: Translate<typeof billing.en>) {
  if (!clinic.footer && !clinic.taxId) return;
  sheet.gap(16);
  sheet.rule();
  if (clinic.footer) sheet.text(clinic.footer, { size: 9, color: MUTED });
  if (clinic.taxId) sheet.text(t('taxIdLine', { taxId: clinic.taxId }), { size: 9, color: MUTED });
}

export async function renderInvoicePdf(invoice: InvoicePdfInput, locale: Locale = 'en'): Promise<Uint8Array> {
  const t = translator(billing, locale);
  const fmt = formatters(locale);
  const money = (minor: number) => formatMoney(minor, invoice.currency, INTL_LOCALE[locale]);
  const { doc, sheet } = await start(`${t('pdfInvoice')} ${invoice.label}`, invoice.clinic, locale);
  heading(sheet, invoice.clinic, t('pdfInvoice'), invoice.label);
  facts(sheet, [
    [t('billedToTerm'), invoice.billedTo],
    ...(invoice.issueDate ? [[t('issuedTerm'), fmt.calendarDate(invoice.issueDate)] as [string, string]] : []),
    ...(invoice.dueDate ? [[t('dueDateTerm'), fmt.calendarDate(invoice.dueDate)] as [string, string]] : []),
    [t('statusTerm'), t(`status_${invoice.status}`)],
  ]);
  sheet.gap(14);

  // Description | Qty | Unit price | Discount | Tax | Amount: 504 points across a Letter page.
  const columns = [196, 40, 72, 64, 60, 72];
  const cells = (texts: string[], bold = false) => texts.map((text, i) => ({ text, width: columns[i]!, align: i === 0 ? 'left' as const : 'right' as const, bold }));
  sheet.row(cells([t('colDescription'), t('colQuantity'), t('colUnitPrice'), t('colDiscount'), t('colTax'), t('colAmount')], true), 9.5);
  sheet.rule();
  for (const line of invoice.lines) {
    sheet.row(cells([
      line.description, String(line.quantity), money(line.unitAmount),
      line.discountAmount > 0 ? money(-line.discountAmount) : '', line.taxAmount > 0 ? money(line.taxAmount) : '', money(line.total),
    ]));
  }
  sheet.rule();

  const totals: [string, string, boolean][] = [[t('subtotal'), money(invoice.subtotal), false]];
  if (invoice.discountTotal > 0) totals.push([t('discounts'), money(-invoice.discountTotal), false]);
  if (invoice.taxTotal > 0) totals.push([t('tax'), money(invoice.taxTotal), false]);
  totals.push([t('total'), money(invoice.total), true]);
  // Credits or extra charges staff posted after sending it: what it asks for now differs.
  if (invoice.sums.charged !== invoice.total && invoice.status !== 'void' && invoice.status !== 'uncollectible') {
    totals.push([t('adjustments'), money(invoice.sums.charged - invoice.total), false]);
  }
  totals.push([t('amountPaid'), money(invoice.sums.paid), false]);
  totals.push([t('amountDue'), money(Math.max(0, invoice.sums.due)), true]);
  for (const [term, value, bold] of totals) {
    sheet.row([{ text: '', width: sheet.width - 240 }, { text: term, width: 140, bold }, { text: value, width: 100, align: 'right', bold }], 10.5);
  }

  if (invoice.note) {
    sheet.gap(14);
    sheet.text(t('noteHeading'), { size: 11, bold: true });
    for (const paragraph of invoice.note.split(/\r?\n/)) sheet.text(paragraph, { size: 10 });
  }
  clinicFooter(sheet, invoice.clinic, t);
  sheet.number((page, pages) => `${invoice.clinic.name} · ${t('pdfInvoice')} ${invoice.label} · ${t('pdfPage', { page, pages })}`);
  return doc.save();
}

export async function renderReceiptPdf(receipt: ReceiptPdfInput, locale: Locale = 'en'): Promise<Uint8Array> {
  const t = translator(billing, locale);
  const fmt = formatters(locale);
  const money = (minor: number) => formatMoney(minor, receipt.currency, INTL_LOCALE[locale]);
  const { doc, sheet } = await start(`${t('pdfReceipt')} ${receipt.receiptLabel}`, receipt.clinic, locale);
  heading(sheet, receipt.clinic, t('pdfReceipt'), receipt.receiptLabel);
  const method = t(`method_${receipt.method}`);
  facts(sheet, [
    [t('billedToTerm'), receipt.billedTo],
    [t('paidOnTerm'), fmt.dateTime(receipt.paidAt, receipt.timeZone)],
    [t('amountTerm'), money(receipt.amount)],
    [t('methodTerm'), receipt.card ? `${method} · ${t('cardEnding', { brand: brandName(receipt.card.brand), last4: receipt.card.last4 })}` : method],
    ...(receipt.refunded > 0 ? [[t('refundedTerm'), money(receipt.refunded)] as [string, string]] : []),
  ]);
  sheet.gap(14);
  sheet.row([{ text: t('invoicesTerm'), width: sheet.width - 120, bold: true }, { text: t('colAmount'), width: 120, align: 'right', bold: true }], 9.5);
  sheet.rule();
  for (const invoice of receipt.invoices) {
    sheet.row([{ text: invoice.label, width: sheet.width - 120 }, { text: money(invoice.amount), width: 120, align: 'right' }]);
  }
  sheet.rule();
  sheet.row([{ text: t('total'), width: sheet.width - 120, bold: true }, { text: money(receipt.amount), width: 120, align: 'right', bold: true }], 10.5);
  clinicFooter(sheet, receipt.clinic, t);
  sheet.number((page, pages) => `${receipt.clinic.name} · ${t('pdfReceipt')} ${receipt.receiptLabel} · ${t('pdfPage', { page, pages })}`);
  return doc.save();
}

/** A card brand as people write it: "visa" → "Visa", "amex" → "American Express". */
export function brandName(brand: string): string {
  const known: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club', jcb: 'JCB', unionpay: 'UnionPay' };
  return known[brand.toLowerCase()] ?? (brand ? brand[0]!.toUpperCase() + brand.slice(1) : brand);
}

/** invoice-INV-000042.pdf, receipt-R-000007.pdf: letters, digits and dashes only. */
export function billingPdfFilename(kind: 'invoice' | 'receipt', label: string): string {
  return `${kind}-${label.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;
}
