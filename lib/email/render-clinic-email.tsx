/** @jsxImportSource preact */
import 'server-only';
import { renderToString } from 'preact-render-to-string';
import { emailPalette } from './render-colors';
import { assertEmailUrl, emailLinks, emailPlainText, emailPreview, type EmailContent } from './render-content';
import { ClinicEmailLayout, EmailParagraphView } from './render-layout';

/** Whose email it is: what the layout draws in the header and colours with. */
export interface ClinicEmailBrand {
  /** The clinic's display name (tenant_branding.display_name). */
  name: string;
  /** Absolute http(s) address of the logo on the clinic's host, or null for none. */
  logoUrl: string | null;
  /** The brand colour, '#rrggbb'. */
  primaryColor: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  /** The plain-text part: the content's words (emailPlainText), no markup. */
  text: string;
}

/**
 * An email in the clinic's layout: HTML (logo, colour, name, footer) plus the plain-text part
 * from the same words. Synchronous and free of I/O, so it runs inside the transaction that
 * queues the message. Throws on a link or logo that is not an absolute http(s) address.
 */
export function renderClinicEmail(brand: ClinicEmailBrand, content: EmailContent): RenderedEmail {
  for (const href of emailLinks(content)) assertEmailUrl(href, 'a link');
  if (brand.logoUrl) assertEmailUrl(brand.logoUrl, 'the logo');
  const palette = emailPalette(brand.primaryColor);
  const markup = renderToString(
    <ClinicEmailLayout
      brand={{ name: brand.name, logoUrl: brand.logoUrl }}
      palette={palette}
      language={content.language}
      title={content.subject}
      preview={emailPreview(content)}
      footer={content.footer}
    >
      {content.greeting ? <EmailParagraphView lines={[content.greeting]} palette={palette} /> : null}
      {content.paragraphs.map((lines, index) => <EmailParagraphView key={index} lines={lines} palette={palette} />)}
    </ClinicEmailLayout>,
  );
  return { subject: content.subject, html: `<!DOCTYPE html>${markup}`, text: emailPlainText(content) };
}
