import type { Metadata, Viewport } from 'next';
import localFont from 'next/font/local';
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
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" className={inter.variable}>
      <body className="min-h-dvh font-sans antialiased">{children}</body>
    </html>
  );
}
