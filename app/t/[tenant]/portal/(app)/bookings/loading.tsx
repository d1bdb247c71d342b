import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';

/** Shown while a booking step loads (finding free times takes a moment). */
export default async function BookingsLoading() {
  const { t } = await getPortalI18n(bookings);
  return (
    <div role="status" className="space-y-3">
      <span className="sr-only">{t('loading')}</span>
      <div aria-hidden className="h-8 w-40 animate-pulse rounded bg-surface" />
      <div aria-hidden className="h-24 animate-pulse rounded-xl bg-surface" />
      <div aria-hidden className="h-24 animate-pulse rounded-xl bg-surface" />
    </div>
  );
}
