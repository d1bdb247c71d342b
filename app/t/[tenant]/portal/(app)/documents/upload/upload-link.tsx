import Link from 'next/link';
import { translator, type Locale } from '@/lib/i18n/core';
import { uploads } from '@/lib/i18n/messages/uploads';

/**
 * "Upload files" on the documents page, shown where the clinic allows patient uploads (the page
 * reads the cached clinic profile; the upload page itself checks the live setting).
 */
export function UploadFilesLink({ locale }: { locale: Locale }) {
  return (
    <Link
      href="/portal/documents/upload"
      className="inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-accent"
    >
      {translator(uploads, locale)('uploadAction')}
    </Link>
  );
}
