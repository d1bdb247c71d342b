import { translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';

/** Inline viewing is offered for what browsers can show safely: PDFs and images. */
const VIEWABLE = new Set(['application/pdf', 'image/jpeg', 'image/png']);

const linkClass =
  'inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-3 py-2 text-sm font-medium text-fg hover:bg-surface-muted';

/**
 * "View" (new tab, inline) and "Download" through the authorised download route. Each link
 * names the document, since a list of identical "View" links means nothing to a screen reader.
 */
export function DocumentLinks({ id, title, contentType, locale }: { id: string; title: string; contentType: string; locale: Locale }) {
  const t = translator(common, locale);
  const href = `/api/documents/${encodeURIComponent(id)}/download`;
  return (
    <div className="flex flex-wrap gap-2">
      {VIEWABLE.has(contentType) ? (
        <a href={`${href}?view=1`} target="_blank" rel="noopener noreferrer" aria-label={t('documentViewLabel', { title })} className={linkClass}>
          {t('documentView')}
        </a>
      ) : null}
      <a href={href} download aria-label={t('documentDownloadLabel', { title })} className={linkClass}>
        {t('documentDownload')}
      </a>
    </div>
  );
}
