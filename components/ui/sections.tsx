// The two kinds of section a settings page is made of. Each is labelled by its own heading
// (aria-labelledby), so a screen reader's landmarks list names it.

/** A card with a visible heading, an optional sentence under it, then its content. */
export function CardSection({ id, title, description, children }: { id: string; title: React.ReactNode; description?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-line bg-surface p-5">
      <h2 id={id} className="text-lg font-semibold">{title}</h2>
      {description ? <p className="mt-1 text-sm text-fg-muted">{description}</p> : null}
      {children}
    </section>
  );
}

/** A card whose content is one form, set under the heading (and its sentence). */
export function FormSection({ children, ...card }: { id: string; title: React.ReactNode; description?: React.ReactNode; children: React.ReactNode }) {
  return (
    <CardSection {...card}>
      <div className="mt-3">{children}</div>
    </CardSection>
  );
}

/**
 * A list that fills its card; its heading is for assistive technology only (the page's title
 * already says what is listed). `empty` shows as the only row when there are no items.
 */
export function ListSection<T>({ id, title, items, empty, children }: {
  id: string;
  title: string;
  items: readonly T[];
  empty?: React.ReactNode;
  /** One <li> (with its key) an item. */
  children: (item: T) => React.ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-line bg-surface">
      <h2 id={id} className="sr-only">{title}</h2>
      <ul className="divide-y divide-line">
        {items.map(children)}
        {items.length === 0 && empty ? <li className="p-4 text-fg-muted">{empty}</li> : null}
      </ul>
    </section>
  );
}

/** A closed-by-default panel inside a list row, for a form that edits the row ("Edit X"). */
export function EditDisclosure({ summary, children }: { summary: React.ReactNode; children: React.ReactNode }) {
  return (
    <details className="rounded-lg border border-line">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{summary}</summary>
      <div className="border-t border-line p-3">{children}</div>
    </details>
  );
}
