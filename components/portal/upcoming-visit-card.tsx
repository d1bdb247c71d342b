import type { PortalVisit } from '@/lib/portal/visits';
import { VisitTime } from './visit-time';

/** One upcoming visit: when, what, who, where, and the video link once it can be joined. */
export function UpcomingVisitCard({ visit, patientZone }: { visit: PortalVisit; patientZone?: string | null }) {
  return (
    <article aria-label={`${visit.service} with ${visit.provider}`} className="rounded-xl border border-line bg-surface p-4">
      <p className="font-semibold">
        <VisitTime startsAt={visit.startsAt} locationZone={visit.timeZone} patientZone={patientZone} />
      </p>
      <dl className="mt-2 grid gap-1 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-fg-muted">Service</dt>
          <dd className="font-medium">{visit.service}{visit.isVideo ? ' (video visit)' : ''}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">Provider</dt>
          <dd className="font-medium">{visit.provider}</dd>
        </div>
        <div>
          <dt className="text-fg-muted">Location</dt>
          <dd className="font-medium">{visit.location}</dd>
        </div>
      </dl>
      {visit.joinUrl ? (
        <a
          href={visit.joinUrl}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={`Join the video visit with ${visit.provider} (opens in a new tab)`}
          className="mt-3 inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md"
        >
          Join
        </a>
      ) : visit.isVideo ? (
        <p className="mt-3 text-sm text-fg-muted">The Join link appears here 15 minutes before the visit starts.</p>
      ) : null}
    </article>
  );
}
