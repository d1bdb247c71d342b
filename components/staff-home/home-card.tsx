import Link from 'next/link';

export const homeLinkClass = 'link focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent rounded-sm';

/**
 * One section of a staff home page: a heading (labelling the section), a sentence with the count,
 * what is listed, and the way to the full page.
 */
export function HomeCard({ id, title, summary, more, children }: {
  id: string;
  title: string;
  summary: React.ReactNode;
  /** The full page: its address and the link's words ("Open messages"). */
  more: { href: string; label: string };
  children?: React.ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="flex flex-col rounded-xl border border-line bg-surface p-5">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={id} className="text-lg font-semibold">{title}</h2>
        <Link href={more.href} className={`text-sm ${homeLinkClass}`}>{more.label}</Link>
      </div>
      <p className="mt-1 text-sm text-fg-muted">{summary}</p>
      {children}
    </section>
  );
}

/** The rows under a card's summary; an empty list draws nothing (the summary says "none"). */
export function HomeList<T>({ items, label, children }: { items: readonly T[]; label: string; children: (item: T) => React.ReactNode }) {
  if (items.length === 0) return null;
  return (
    <ul aria-label={label} className="mt-3 divide-y divide-line border-t border-line">
      {items.map(children)}
    </ul>
  );
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
