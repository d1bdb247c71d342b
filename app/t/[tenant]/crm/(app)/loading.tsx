import { PageSkeleton } from '@/components/ui/page-skeleton';

/** Shown inside the CRM frame while a page's data loads: the navigation stays usable. */
export default function CrmLoading() {
  return <PageSkeleton />;
}
