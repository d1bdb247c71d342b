import Link from 'next/link';
import { translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';
import { ArrowLeft, ArrowRight } from 'lucide-react';

const linkClass = 'inline-flex min-h-11 items-center rounded-lg border border-line bg-surface px-4 py-2 text-sm font-medium hover:bg-surface-muted';

/** Previous/next links for a list paged with `?page=`; page 1 has a clean URL. */
export function Pager({ basePath, page, hasMore, label, locale }: { basePath: string; page: number; hasMore: boolean; label: string; locale: Locale }) {
  if (page <= 1 && !hasMore) return null;
  const t = translator(common, locale);
  const href = (n: number) => (n <= 1 ? basePath : `${basePath}?page=${n}`);
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-3">
      {page > 1 ? <Link href={href(page - 1)} className={linkClass}><ArrowLeft aria-hidden className="inline size-4 align-[-0.125em]" />&nbsp;{t('pagerNewer')}</Link> : <span />}
      <span className="text-sm text-fg-muted">{t('pagerPage', { page })}</span>
      {hasMore ? <Link href={href(page + 1)} className={linkClass}>{t('pagerOlder')}&nbsp;<ArrowRight aria-hidden className="inline size-4 align-[-0.125em]" /></Link> : <span />}
    </nav>
  );
}
