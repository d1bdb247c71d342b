/** @jsxImportSource preact */
import 'server-only';
import type { ComponentChildren, CSSProperties } from 'preact';
import type { EmailPalette } from './render-colors';
import { isLinkLine, type EmailLine, type EmailParagraph } from './render-content';

/**
 * The clinic's email layout, as Preact components rendered to a string (render-clinic-email.tsx).
 * Email clients are not browsers: the layout is nested tables with inline styles (Outlook uses
 * Word's engine, Gmail drops <style> in some views), widths in attributes as well as styles, and
 * no CSS variables, flexbox or web fonts.
 *
 * Why Preact and not react-dom/server (react-email): every script here runs under the
 * `react-server` condition (package.json: the seed, the worker), where react-dom/server refuses
 * to load, and notices are rendered wherever they are queued, the worker and the demo seed
 * included. Preact's renderer has no such condition; it is what Auth.js renders its pages with.
 */

export interface ClinicEmailBrandView {
  name: string;
  /** Absolute; null draws the name alone. */
  logoUrl: string | null;
}

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const CARD_WIDTH = 560;
const LOGO_SIZE = 40;

/**
 * Presentational attributes (`border`, `bgcolor`) that Outlook reads and today's DOM types leave
 * out; the inline style says the same for every other client.
 */
function legacyAttributes(attributes: Record<string, string | number>): Record<string, string | number> {
  return attributes;
}

/** `<table role="presentation">` with the resets every client needs. */
function LayoutTable({ children, style, width }: { children: ComponentChildren; style?: CSSProperties; width?: string }) {
  return (
    <table role="presentation" width={width} cellPadding="0" cellSpacing="0" {...legacyAttributes({ border: 0 })} style={{ borderCollapse: 'collapse', ...style }}>
      <tbody>{children}</tbody>
    </table>
  );
}

/**
 * The hidden line inbox lists show after the subject, padded with invisible characters so the
 * client does not run on into the greeting.
 */
function Preview({ text }: { text: string }) {
  if (!text) return null;
  return (
    <div style={{ display: 'none', overflow: 'hidden', lineHeight: '1px', maxHeight: 0, maxWidth: 0, opacity: 0 }}>
      {text}
      {'\u00a0\u200c'.repeat(60)}
    </div>
  );
}

/** Logo and name on the header band; the logo is decorative because the name is written beside it. */
function ClinicMark({ brand, palette }: { brand: ClinicEmailBrandView; palette: EmailPalette }) {
  return (
    <LayoutTable>
      <tr>
        {brand.logoUrl ? (
          <td style={{ paddingRight: '12px', verticalAlign: 'middle' }}>
            {/* eslint-disable-next-line @next/next/no-img-element -- an email, not a page: Next's <Image> does not exist there */}
            <img
              src={brand.logoUrl}
              alt=""
              width={LOGO_SIZE}
              height={LOGO_SIZE}
              style={{ display: 'block', border: 0, borderRadius: '8px', backgroundColor: palette.card, padding: '4px' }}
            />
          </td>
        ) : null}
        <td style={{ verticalAlign: 'middle', color: palette.onFill, fontSize: '20px', lineHeight: '28px', fontWeight: 600 }} data-part="clinic-name">
          {brand.name}
        </td>
      </tr>
    </LayoutTable>
  );
}

/** A link drawn as a button: a filled table cell (Outlook ignores padding on <a>) holding the link. */
export function EmailButton({ href, label, palette }: { href: string; label: string; palette: EmailPalette }) {
  return (
    <LayoutTable style={{ margin: '4px 0 8px' }}>
      <tr>
        <td {...legacyAttributes({ bgcolor: palette.fill })} style={{ backgroundColor: palette.fill, borderRadius: '8px' }}>
          <a
            href={href}
            style={{
              display: 'inline-block', padding: '12px 20px', color: palette.onFill, fontSize: '16px', lineHeight: '20px',
              fontWeight: 600, textDecoration: 'none', borderRadius: '8px',
            }}
          >
            {label}
          </a>
        </td>
      </tr>
    </LayoutTable>
  );
}

function EmailLink({ href, palette }: { href: string; palette: EmailPalette }) {
  return <a href={href} style={{ color: palette.link, textDecoration: 'underline', wordBreak: 'break-all' }}>{href}</a>;
}

/**
 * One paragraph. A line that leads to a link shows its words and then the address, as the text
 * part does; with a button label, the words close the paragraph and the button follows, with the
 * address in small type under it for clients that mangle buttons.
 */
export function EmailParagraphView({ lines, palette, size = 'body' }: { lines: EmailParagraph; palette: EmailPalette; size?: 'body' | 'small' }) {
  const text: CSSProperties = size === 'body'
    ? { margin: '0 0 16px', fontSize: '16px', lineHeight: '24px', color: palette.text }
    : { margin: '0 0 8px', fontSize: '13px', lineHeight: '20px', color: palette.muted };
  const parts: ComponentChildren[] = [];
  let run: ComponentChildren[] = [];
  const closeRun = () => {
    if (run.length) parts.push(<p style={text}>{run}</p>);
    run = [];
  };
  lines.forEach((line: EmailLine) => {
    if (run.length) run.push(<br />);
    if (!isLinkLine(line)) {
      run.push(line);
      return;
    }
    if (line.buttonLabel) {
      run.push(line.text);
      closeRun();
      parts.push(<EmailButton href={line.href} label={line.buttonLabel} palette={palette} />);
      parts.push(
        <p style={{ margin: '0 0 16px', fontSize: '13px', lineHeight: '20px', color: palette.muted }}>
          <EmailLink href={line.href} palette={palette} />
        </p>,
      );
      return;
    }
    run.push(line.text, line.textLayout === 'same-line' ? ' ' : <br />, <EmailLink href={line.href} palette={palette} />);
  });
  closeRun();
  return <>{parts}</>;
}

export interface ClinicEmailLayoutProps {
  brand: ClinicEmailBrandView;
  palette: EmailPalette;
  language: string;
  title: string;
  preview: string;
  /** Closing lines (automatic-message note, unsubscribe link). */
  footer: EmailParagraph;
  /** The body slot. */
  children: ComponentChildren;
}

/** The whole document: page, card, header band with the clinic's logo and name, body, footer. */
export function ClinicEmailLayout({ brand, palette, language, title, preview, footer, children }: ClinicEmailLayoutProps) {
  return (
    <html lang={language} dir="ltr">
      {/* eslint-disable-next-line @next/next/no-head-element -- an email document, not a Next page */}
      <head>
        <meta httpEquiv="Content-Type" content="text/html; charset=UTF-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="x-apple-disable-message-reformatting" />
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
        <title>{title}</title>
      </head>
      <body style={{ margin: 0, padding: 0, backgroundColor: palette.page, fontFamily: FONT }}>
        <Preview text={preview} />
        <LayoutTable width="100%" style={{ backgroundColor: palette.page }}>
          <tr>
            <td align="center" style={{ padding: '24px 12px' }}>
              <LayoutTable
                width={String(CARD_WIDTH)}
                style={{ width: '100%', maxWidth: `${CARD_WIDTH}px`, backgroundColor: palette.card, border: `1px solid ${palette.line}` }}
              >
                <tr>
                  <td {...legacyAttributes({ bgcolor: palette.fill })} style={{ backgroundColor: palette.fill, padding: '20px 32px', fontFamily: FONT }} data-part="header">
                    <ClinicMark brand={brand} palette={palette} />
                  </td>
                </tr>
                <tr>
                  <td style={{ padding: '28px 32px 12px', fontFamily: FONT }} data-part="body">{children}</td>
                </tr>
                {footer.length ? (
                  <tr>
                    <td style={{ padding: '16px 32px 20px', borderTop: `1px solid ${palette.line}`, fontFamily: FONT }} data-part="footer">
                      <EmailParagraphView lines={footer} palette={palette} size="small" />
                    </td>
                  </tr>
                ) : null}
              </LayoutTable>
            </td>
          </tr>
        </LayoutTable>
      </body>
    </html>
  );
}
