import { PageSkeleton } from '@/components/ui/page-skeleton';

/** Shown while a console page's data loads (clinic list, system health). */
export default function ConsoleLoading() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-6">
      <PageSkeleton tone="plain" sections={2} />
    </div>
  );
}
