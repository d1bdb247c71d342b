import Link from 'next/link';

// The frame of a CRM catalogue list (Products, Coupons): Active / Archived tabs with the
// "New …" button, then the shown status's rows in a table. The pages keep their own columns and words.

type ListStatus = 'active' | 'archived';

/** A body cell of a catalogue table; a row's link to its edit page. */
export const catalogCell = 'cell';
export const catalogLink = 'link';

const tab = 'inline-flex min-h-11 items-center rounded-lg px-4 font-medium';
const th = 'px-3 py-2 font-medium';

function StatusTab({ href, current, children }: { href: string; current: boolean; children: React.ReactNode }) {
  return (
    <Link href={href} aria-current={current ? 'page' : undefined} className={`${tab} ${current ? 'bg-brand-soft' : 'border border-line hover:bg-surface-muted'}`}>{children}</Link>
  );
}

/** The tabs (`label` names their navigation landmark) and the button to `${path}/new`. */
export function CatalogStatusBar({ path, status, label, newLabel }: { path: string; status: ListStatus; label: string; newLabel: string }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <nav aria-label={label} className="flex gap-2">
        <StatusTab href={path} current={status === 'active'}>Active</StatusTab>
        <StatusTab href={`${path}?status=archived`} current={status === 'archived'}>Archived</StatusTab>
      </nav>
      <Link href={`${path}/new`} className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">{newLabel}</Link>
    </div>
  );
}

/**
 * The list's card, labelled by its heading; the table's caption (for assistive technology) says
 * the order. `empty` is the only row when there are no items.
 */
export function CatalogTable<T>({ id, title, caption, columns, items, empty, children }: {
  id: string;
  title: string;
  caption: string;
  /** Header cells in order; `end` aligns a number column to the right. */
  columns: readonly { label: React.ReactNode; end?: boolean }[];
  items: readonly T[];
  empty: React.ReactNode;
  /** One <tr> (with its key) an item. */
  children: (item: T) => React.ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-line bg-surface p-5">
      <h2 id={id} className="text-lg font-semibold">{title}</h2>
      <div className="mt-3 overflow-x-auto">
        <table className="w-full min-w-[48rem] text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="border-b border-line text-fg-muted">
            <tr>
              {columns.map((c, i) => <th key={i} scope="col" className={c.end ? `${th} text-right` : th}>{c.label}</th>)}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {items.map(children)}
            {items.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="px-3 py-6 text-center text-fg-muted">{empty}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
