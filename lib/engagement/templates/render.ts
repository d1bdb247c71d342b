import 'server-only';
import type { MessageTemplate, TemplateContent } from '@/db/schema';
import type { EmailContent, EmailLine, EmailParagraph } from '@/lib/email/render-content';
import { renderClinicEmail, type ClinicEmailBrand } from '@/lib/email/render-clinic-email';
import { isLocale, type Locale } from '@/lib/i18n/core';
import { noticeEmailFrame } from '@/lib/notifications/texts';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../unsubscribe';
import { fillPlaceholders, isPlaceholderName, PLACEHOLDERS, type PlaceholderInfo } from './placeholders';
import { smsAsSent } from './sms-segments';

/**
 * A template's words made into the message a patient gets (issue 18 point 9): placeholders
 * filled with plain-text values, and for email the clinic's layout (logo, colour, name) drawn
 * by the same renderer as every notice (lib/email/render-clinic-email.tsx), which escapes the
 * values in the HTML part. Synchronous and free of I/O, like the notices, so it runs inside the
 * transaction that queues the message.
 *
 * `{{unsubscribe.url}}` is not known here (it names the recipient's address): it becomes the
 * dispatcher's UNSUBSCRIBE_URL_PLACEHOLDER, which fills in the address's link at send time.
 */

export type TemplateLanguage = Locale;

/** The patient's language when the template has a version in it, else English (always there). */
export function pickTemplateLanguage(content: Readonly<Record<string, TemplateContent>>, preferred: string | null | undefined): TemplateLanguage {
  const primary = preferred?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) && content[primary]?.body ? primary : 'en';
}

/** The subject and body with every placeholder filled: plain text. */
export function renderTemplate(content: TemplateContent, values: Readonly<Record<string, string>>): { subject?: string; body: string } {
  const all = { ...values, 'unsubscribe.url': UNSUBSCRIBE_URL_PLACEHOLDER };
  const body = fillPlaceholders(content.body, all);
  return content.subject === undefined ? { body } : { subject: fillPlaceholders(content.subject, all), body };
}

const MARKETING_FOOTER: Record<TemplateLanguage, { why: (clinic: string) => string; unsubscribe: string }> = {
  en: { why: (c) => `You are receiving this because you agreed to hear from ${c}.`, unsubscribe: 'To stop receiving these emails, unsubscribe:' },
  es: { why: (c) => `Recibe este mensaje porque aceptó recibir noticias de ${c}.`, unsubscribe: 'Para dejar de recibir estos correos, cancele su suscripción:' },
};

/**
 * The email renderer takes absolute http(s) links only, and the unsubscribe link is not known
 * until send time: it is drawn with this address (a reserved, never-resolving name) and then
 * replaced by the dispatcher's placeholder in both parts.
 */
const UNSUBSCRIBE_STAND_IN = 'https://unsubscribe.carebridge.invalid/';

export type RenderedTemplateMessage =
  | { channel: 'email'; language: TemplateLanguage; subject: string; text: string; html: string }
  | { channel: 'sms'; language: TemplateLanguage; text: string };

export interface RenderTemplateMessageInput {
  template: Pick<MessageTemplate, 'channel' | 'purpose' | 'content'>;
  /** The patient's preferred language; the template's English when it has no version in it. */
  language: string | null;
  /** From loadPlaceholderValues (or SAMPLE_VALUES for a preview), in the same language. */
  values: Readonly<Record<string, string>>;
  /** The clinic's email brand (lib/notifications/email-brand.ts). */
  clinic: ClinicEmailBrand;
}

/**
 * The message as it is queued: `{ subject, text, html }` for email, in the clinic's layout with
 * its closing note (a care message: "an automatic message from …"; marketing: why the patient
 * gets it and the unsubscribe link, unless the text placed `{{unsubscribe.url}}` itself), and
 * `{ text }` for SMS (a marketing text ends with how to stop). A line of the email that ends with
 * a link placeholder shows the link as a link; blank lines separate paragraphs.
 */
export function renderTemplateMessage(input: RenderTemplateMessageInput): RenderedTemplateMessage {
  const { template, clinic } = input;
  const language = pickTemplateLanguage(template.content, input.language);
  const content = template.content[language] ?? template.content.en!;
  const rendered = renderTemplate(content, input.values);
  const marketing = template.purpose === 'marketing';

  if (template.channel === 'sms') {
    return { channel: 'sms', language, text: smsAsSent(rendered.body, template.purpose, language) };
  }

  const values = { ...input.values, 'unsubscribe.url': UNSUBSCRIBE_STAND_IN };
  const paragraphs = emailParagraphs(content.body, values);
  const footer: EmailLine[] = [];
  if (!marketing) footer.push(noticeEmailFrame[language].automatic(clinic.name));
  else {
    const words = MARKETING_FOOTER[language];
    footer.push(words.why(clinic.name));
    if (!content.body.match(/\{\{\s*unsubscribe\.url\s*\}\}/)) footer.push({ text: words.unsubscribe, href: UNSUBSCRIBE_STAND_IN, textLayout: 'same-line' });
  }
  const email: EmailContent = { language, subject: rendered.subject?.trim() ?? '', paragraphs, footer };
  const drawn = renderClinicEmail(clinic, email);
  const text = [rendered.body.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim(), footer.map(lineText).join('\n')].join('\n\n');
  return {
    channel: 'email',
    language,
    subject: drawn.subject,
    text: text.replaceAll(UNSUBSCRIBE_STAND_IN, UNSUBSCRIBE_URL_PLACEHOLDER),
    html: drawn.html.replaceAll(UNSUBSCRIBE_STAND_IN, UNSUBSCRIBE_URL_PLACEHOLDER),
  };
}

function lineText(line: EmailLine): string {
  return typeof line === 'string' ? line : `${line.text} ${line.href}`;
}

/** A link placeholder closing a line: `Confirm: {{appointment.confirmUrl}}`. */
const TRAILING_LINK = /\{\{\s*([A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*)\s*\}\}[\s.]*$/;

function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\/[^\s]+$/i.test(value);
}

/** The body's paragraphs (split at blank lines) and lines, each filled; a trailing link becomes a link. */
function emailParagraphs(body: string, values: Readonly<Record<string, string>>): EmailParagraph[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.map((line): EmailLine => {
      const link = TRAILING_LINK.exec(line);
      const name = link?.[1];
      const info: PlaceholderInfo | undefined = name && isPlaceholderName(name) ? PLACEHOLDERS[name] : undefined;
      const href = name ? values[name] : undefined;
      if (!link || !info?.url || !isHttpUrl(href)) return fillPlaceholders(line, values);
      return { text: fillPlaceholders(line.slice(0, link.index), values).trimEnd(), href, textLayout: 'same-line' };
    }));
}
