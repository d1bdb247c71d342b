import { translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';
import { JOIN_OPENS_MINUTES, type PortalVisit } from '@/lib/scheduling/visit-display';
import { VisitTime } from './visit-time';

/** One upcoming visit: when, what, who, where, and the video link once it can be joined. */
export function UpcomingVisitCard({ visit, patientZone, locale }: { visit: PortalVisit; patientZone?: string | null; locale: Locale }) {
  const t = translator(common, locale);
  return (
    <article aria-label={t('visitLabel', { service: visit.service, provider: visit.provider })} className="rounded-xl border border-line bg-surface p-4">
      <p className="font-semibold">
        <VisitTime startsAt={visit.startsAt} locationZone={visit.timeZone} patientZone={patientZone} locale={locale} />
      </p>
      <dl className="mt-2 grid gap-1 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-fg-muted">{t('visitService')}</dt>
          <dd className="font-medium">{visit.service}{visit.isVideo ? ` ${t('visitVideo')}` : ''}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">{t('visitProvider')}</dt>
          <dd className="font-medium">{visit.provider}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">{t('visitLocation')}</dt>
          <dd className="font-medium">{visit.location}</dd>
        </div>
      </dl>
      {visit.joinUrl ? (
        <a
          href={visit.joinUrl}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={t('visitJoinLabel', { provider: visit.provider })}
          className="mt-3 inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md"
        >
          {t('visitJoin')}
        </a>
      ) : visit.isVideo ? (
        <p className="mt-3 text-sm text-fg-muted">{t('visitJoinLater', { minutes: JOIN_OPENS_MINUTES })}</p>
      ) : null}
    </article>
  );
}
