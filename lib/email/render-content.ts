import 'server-only';

/**
 * What an email says, apart from how it looks: a greeting, paragraphs of lines, and closing
 * lines. lib/email/render-clinic-email.tsx draws it in the clinic's layout (HTML) and writes the
 * plain-text part from the same words here, so the text part is exactly what the sender wrote
 * (not an HTML-to-text guess that wraps lines or upper-cases headings).
 *
 * Words are plain text: the HTML renderer escapes them, so a clinic name or a placeholder's value
 * can never add markup.
 */

/** Words that lead to a link ("Sign in to view it:" + the portal's address). */
export interface EmailLinkLine {
  text: string;
  /** Absolute http(s) address. */
  href: string;
  /**
   * In the text part the address follows the words on the same line ("…portal: https://…")
   * or, by default, stands on a line of its own.
   */
  textLayout?: 'same-line' | 'next-line';
  /** In the HTML part, a button in the clinic's colour with these words; else a plain link. */
  buttonLabel?: string;
}

export type EmailLine = string | EmailLinkLine;

/** Lines shown together; paragraphs are separated by a blank line in the text part. */
export type EmailParagraph = readonly EmailLine[];

export interface EmailContent {
  /** BCP 47 language of the words (the HTML's `lang`). */
  language: string;
  /** Also the HTML document's title. */
  subject: string;
  /** The line inbox lists show after the subject; default: the first paragraph's first line. */
  preview?: string;
  greeting?: string;
  paragraphs: readonly EmailParagraph[];
  /**
   * Closing lines under the body, set apart in the layout ("This is an automatic message
   * from …"). A marketing email's unsubscribe link goes here.
   */
  footer: EmailParagraph;
}

export function isLinkLine(line: EmailLine): line is EmailLinkLine {
  return typeof line !== 'string';
}

function lineText(line: EmailLine): string {
  if (!isLinkLine(line)) return line;
  return `${line.text}${line.textLayout === 'same-line' ? ' ' : '\n'}${line.href}`;
}

function paragraphText(paragraph: EmailParagraph): string {
  return paragraph.map(lineText).join('\n');
}

/** The plain-text part: greeting, paragraphs and footer separated by blank lines. */
export function emailPlainText(content: EmailContent): string {
  const blocks = [
    ...(content.greeting ? [content.greeting] : []),
    ...content.paragraphs.map(paragraphText),
    ...(content.footer.length ? [paragraphText(content.footer)] : []),
  ];
  return blocks.join('\n\n');
}

/** The preview line: the one given, else the words of the first line. */
export function emailPreview(content: EmailContent): string {
  if (content.preview !== undefined) return content.preview;
  const first = content.paragraphs[0]?.[0];
  if (first === undefined) return '';
  return isLinkLine(first) ? first.text : first;
}

/**
 * Every address the email links to must be absolute http(s): a relative or `javascript:` link
 * is a bug in the caller, refused before anything is queued.
 */
export function assertEmailUrl(url: string, what: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`email: ${what} is not an absolute address`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`email: ${what} must be http(s)`);
}

export function emailLinks(content: EmailContent): string[] {
  return [...content.paragraphs, content.footer].flatMap((p) => p.filter(isLinkLine).map((l) => l.href));
}
