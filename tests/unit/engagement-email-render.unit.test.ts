import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contrastRatio } from '@/lib/branding/colors';
import { renderClinicEmail, type ClinicEmailBrand } from '@/lib/email/render-clinic-email';
import { emailPalette } from '@/lib/email/render-colors';
import type { EmailContent } from '@/lib/email/render-content';
import { clinicFromHeader } from '@/lib/email/render-from';

/** The clinic email layout (lib/email/render-*): brand, HTML and the plain-text part. */

const BRAND: ClinicEmailBrand = {
  name: 'Sunrise Family Clinic',
  logoUrl: 'https://sunrise.carebridge.example/api/branding/9a0f3c1e-2b4d-4e6f-8a1b-3c5d7e9f1a2b/logo-1.png',
  primaryColor: '#1d4ed8',
};

const CONTENT: EmailContent = {
  language: 'en',
  subject: 'New document in your Sunrise Family Clinic portal',
  greeting: 'Hello,',
  paragraphs: [
    [{ text: 'A new document is available. Sign in to view it:', href: 'https://sunrise.carebridge.example/portal/documents', buttonLabel: 'Open your patient portal' }],
    ['Your visit is confirmed.', { text: 'To change it, sign in:', href: 'https://sunrise.carebridge.example/portal/bookings?from=email&x=1', textLayout: 'same-line' }],
  ],
  footer: ['This is an automatic message from Sunrise Family Clinic.', { text: 'Unsubscribe:', href: 'https://sunrise.carebridge.example/u/abc' }],
};

/** The words a reader sees: tags dropped, the renderer's entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<br\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('renderClinicEmail: the layout', () => {
  it('draws the clinic\'s name, its logo by absolute address and its colour', () => {
    const { html } = renderClinicEmail(BRAND, CONTENT);
    expect(html.startsWith('<!DOCTYPE html><html lang="en"')).toBe(true);
    expect(html).toContain(`<title>${CONTENT.subject}</title>`);
    expect(html).toMatch(/data-part="clinic-name">Sunrise Family Clinic</);
    expect(html).toContain(`<img src="${BRAND.logoUrl}"`);
    // #1d4ed8 carries white text at AA, so the header band and the button are the colour itself.
    expect(html).toMatch(/<td bgcolor="#1d4ed8" style="background-color:#1d4ed8;[^"]*" data-part="header">/);
    expect(html).toMatch(/<td bgcolor="#1d4ed8"[^>]*><a href="https:\/\/sunrise\.carebridge\.example\/portal\/documents" style="[^"]*color:#ffffff;[^"]*">Open your patient portal<\/a>/);
    expect(html).toContain('data-part="footer"');
  });

  it('writes every word and link of the text part into the HTML, and the preview line hidden', () => {
    const { html, text } = renderClinicEmail(BRAND, CONTENT);
    const visible = visibleText(html);
    for (const line of text.split('\n').filter(Boolean)) expect(visible).toContain(line);
    expect(html).toContain('href="https://sunrise.carebridge.example/portal/bookings?from=email&amp;x=1"');
    expect(html).toContain('href="https://sunrise.carebridge.example/u/abc"');
    expect(html).toMatch(/<div style="display:none;[^"]*">A new document is available\. Sign in to view it:/);
  });

  it('leaves the logo out when the clinic has none', () => {
    const { html } = renderClinicEmail({ ...BRAND, logoUrl: null }, CONTENT);
    expect(html).not.toContain('<img');
    expect(html).toContain('Sunrise Family Clinic');
  });

  it('escapes a clinic name and words that look like markup', () => {
    const { html, text } = renderClinicEmail(
      { ...BRAND, name: 'Dr <b onmouseover="x">Bold</b> & Co' },
      { ...CONTENT, greeting: '<script>alert(1)</script>' },
    );
    expect(html).not.toMatch(/<b |<script/);
    expect(html).toContain('Dr &lt;b onmouseover=&quot;x&quot;>Bold&lt;/b> &amp; Co');
    // The text part is not HTML: the words go in as they are.
    expect(text.startsWith('<script>alert(1)</script>\n\n')).toBe(true);
  });

  it('refuses a link or a logo that is not an absolute http(s) address', () => {
    const withLink = (href: string): EmailContent => ({ ...CONTENT, paragraphs: [[{ text: 'Go:', href }]] });
    expect(() => renderClinicEmail(BRAND, withLink('javascript:alert(1)'))).toThrow('must be http(s)');
    expect(() => renderClinicEmail(BRAND, withLink('/portal/documents'))).toThrow('not an absolute address');
    expect(() => renderClinicEmail({ ...BRAND, logoUrl: '/brand/logo.svg' }, CONTENT)).toThrow('the logo is not an absolute address');
  });
});

describe('renderClinicEmail: the plain-text part', () => {
  it('is the words with blank lines between blocks and each address after its words, with no markup', () => {
    const { text } = renderClinicEmail(BRAND, CONTENT);
    expect(text).toBe([
      'Hello,',
      '',
      'A new document is available. Sign in to view it:',
      'https://sunrise.carebridge.example/portal/documents',
      '',
      'Your visit is confirmed.',
      'To change it, sign in: https://sunrise.carebridge.example/portal/bookings?from=email&x=1',
      '',
      'This is an automatic message from Sunrise Family Clinic.',
      'Unsubscribe:',
      'https://sunrise.carebridge.example/u/abc',
    ].join('\n'));
    expect(text).not.toMatch(/<[a-z/!]|&amp;|Open your patient portal/i);
  });
});

describe('emailPalette: the portal\'s contrast rules', () => {
  const hex = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    .map((rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`);

  it('gives every brand colour a fill that carries its text at AA, and links that read on white', () => {
    fc.assert(fc.property(hex, (color) => {
      const palette = emailPalette(color);
      expect(contrastRatio(palette.fill, palette.onFill)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(palette.link, palette.card)).toBeGreaterThanOrEqual(4.5);
    }));
  });

  it('keeps a colour that already passes, and darkens one that does not', () => {
    expect(emailPalette('#1d4ed8')).toMatchObject({ fill: '#1d4ed8', onFill: '#ffffff', link: '#1d4ed8' });
    const pale = emailPalette('#4ade80');
    expect(pale.onFill).toBe('#111827');
    expect(pale.fill).toBe('#4ade80');
    const mid = emailPalette('#8b5cf6');
    expect(contrastRatio('#8b5cf6', mid.onFill)).toBeLessThan(4.5);
    expect(mid.fill).not.toBe('#8b5cf6');
  });

  it('keeps the greys readable: text and muted text on the card, muted text on the page', () => {
    const p = emailPalette('#0f766e');
    expect(contrastRatio(p.text, p.card)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(p.muted, p.card)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(p.muted, p.page)).toBeGreaterThanOrEqual(4.5);
  });

  it('falls back to the default colour for a value that is not a colour', () => {
    expect(emailPalette('not a colour').fill).toBe('#0f766e');
  });
});

describe('clinicFromHeader: the clinic\'s name as the sender', () => {
  it('puts the clinic\'s name on the configured address', () => {
    expect(clinicFromHeader('Carebridge <no-reply@mail.carebridge.example>', 'Sunrise Family Clinic'))
      .toBe('"Sunrise Family Clinic" <no-reply@mail.carebridge.example>');
    expect(clinicFromHeader('no-reply@mail.carebridge.example', 'Clínica Harbor')).toBe('"Clínica Harbor" <no-reply@mail.carebridge.example>');
  });

  it('cannot be made to add a header or a second address', () => {
    const from = clinicFromHeader('no-reply@mail.example', 'Evil\r\nBcc: victim@example.com, "x" <a@b.c>');
    expect(from).not.toMatch(/[\r\n]/);
    expect(from).toBe('"Evil Bcc: victim@example.com, \\"x\\" <a@b.c>" <no-reply@mail.example>');
    expect(clinicFromHeader('no-reply@mail.example', 'Back\\slash')).toBe('"Back\\\\slash" <no-reply@mail.example>');
  });

  it('keeps the configured From when the name is empty or the address cannot be read', () => {
    expect(clinicFromHeader('Carebridge <no-reply@mail.example>', ' \n ')).toBe('Carebridge <no-reply@mail.example>');
    expect(clinicFromHeader('not an address', 'Sunrise')).toBe('not an address');
  });

  it('shortens a very long name', () => {
    const from = clinicFromHeader('no-reply@mail.example', 'A'.repeat(200));
    expect(from).toBe(`"${'A'.repeat(78)}" <no-reply@mail.example>`);
  });
});
