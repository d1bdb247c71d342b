import type { Metadata, Viewport } from 'next';
import localFont from 'next/font/local';
import { cookies, headers } from 'next/headers';
import { PLATFORM_ICONS } from '@/lib/branding/web-manifest';
import { PORTAL_LANGUAGE_COOKIE, toLocale } from '@/lib/i18n/core';
import './globals.css';

// Served from the repository: the build runs offline, so no Google Fonts.
const inter = localFont({
  src: './fonts/inter-latin-wght-normal.woff2',
  variable: '--font-inter',
  display: 'swap',
  weight: '100 900',
});

export const metadata: Metadata = {
  title: { default: 'Carebridge', template: '%s' },
  description: 'Patient portal, EMR and CRM for clinics.',
  robots: { index: false, follow: false },
  // The platform's icons; a clinic's layout replaces them with its own favicon when it has one
  // (app/t/[tenant]/layout.tsx). The manifest is per host (app/manifest.ts).
  icons: { icon: [{ url: PLATFORM_ICONS.svg, type: 'image/svg+xml' }], apple: PLATFORM_ICONS.apple },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/**
 * The document's language: the patient portal follows the language remembered on this device
 * (set when a patient chooses one); staff areas are English. The portal frame also carries its
 * own lang, which is the one that counts after client-side navigation.
 */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const path = (await headers()).get('x-carebridge-pathname') ?? '';
  const lang = /^\/portal(\/|$)/.test(path) ? toLocale((await cookies()).get(PORTAL_LANGUAGE_COOKIE)?.value) : 'en';
  return (
    <html lang={lang} className={inter.variable}>
      <body className="min-h-dvh font-sans antialiased">{children}</body>
    </html>
  );
}
