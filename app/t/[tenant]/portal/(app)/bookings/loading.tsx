import { PageSkeleton } from '@/components/ui/page-skeleton';
import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';

/** Shown while a booking step loads (finding free times takes a moment), in the patient's language. */
export default async function BookingsLoading() {
  const { t } = await getPortalI18n(bookings);
  return <PageSkeleton label={t('loading')} sections={2} />;
}
