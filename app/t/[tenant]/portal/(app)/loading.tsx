import { PageSkeleton } from '@/components/ui/page-skeleton';
import { bookings } from '@/lib/i18n/messages/bookings';
import { getPortalI18n } from '@/lib/i18n/portal';

/** Shown inside the portal frame while a page's data loads, with "Loading…" in the patient's language. */
export default async function PortalLoading() {
  const { t } = await getPortalI18n(bookings);
  return <PageSkeleton label={t('loading')} sections={2} />;
}
