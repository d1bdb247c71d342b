/**
 * What a page shows while its data loads (each area's loading.tsx): grey bars in the shape of a
 * page title, its description and a few sections. Screen readers hear one "Loading…" status; the
 * bars are hidden from them. The pulse is drawn only for people who have not asked for reduced
 * motion. `tone` picks bars that show on the clinic's surfaces (its theme tokens) or on the
 * console's plain slate page, which has no clinic theme.
 */
export function PageSkeleton({ label = 'Loading…', sections = 3, tone = 'clinic' }: { label?: string; sections?: number; tone?: 'clinic' | 'plain' }) {
  const bar = tone === 'clinic' ? 'bg-line' : 'bg-slate-200';
  const panel = tone === 'clinic' ? 'border-line bg-surface' : 'border-slate-200 bg-white';
  return (
    <div role="status" aria-busy="true" aria-live="polite" className="space-y-6" data-testid="page-skeleton">
      <span className="sr-only">{label}</span>
      <div aria-hidden="true" className="space-y-2 motion-safe:animate-pulse">
        <div className={`h-8 w-56 max-w-full rounded-md ${bar}`} />
        <div className={`h-4 w-96 max-w-full rounded ${bar}`} />
      </div>
      {Array.from({ length: sections }, (_, i) => (
        <div key={i} aria-hidden="true" className={`space-y-3 rounded-xl border p-4 motion-safe:animate-pulse ${panel}`}>
          <div className={`h-5 w-40 rounded ${bar}`} />
          <div className={`h-4 w-full rounded ${bar}`} />
          <div className={`h-4 w-2/3 rounded ${bar}`} />
        </div>
      ))}
    </div>
  );
}
