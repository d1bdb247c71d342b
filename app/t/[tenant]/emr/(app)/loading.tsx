import { PageSkeleton } from '@/components/ui/page-skeleton';

/** Shown inside the EMR frame while a page's data loads: the navigation stays usable. */
export default function EmrLoading() {
  return <PageSkeleton />;
}
