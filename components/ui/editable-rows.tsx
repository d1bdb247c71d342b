// A table of editable rows posted as parallel repeated fields (an invoice's lines, a product's
// phases and uploads): the refusal above the table (named by its aria-describedby), header cells
// with a last column for each row's Remove button, and compact controls whose labels are for
// assistive technology only (the column header shows sighted users what a cell holds).

const cell = 'px-2 py-2 align-top';
const control = 'block w-full rounded-md border border-line bg-surface px-2 py-2 text-sm text-fg focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent';

/** A body cell of an editable table. */
export const rowCell = cell;

export function RowsTable({ error, errorId, className, caption, labelledBy, columns, children }: {
  error?: string;
  errorId: string;
  /** The table's own classes beyond the shared ones, such as its min width. */
  className: string;
  /** What the table holds, for assistive technology; or `labelledBy`, a visible label's id. */
  caption?: React.ReactNode;
  labelledBy?: string;
  /** Header cells in order, before the Remove column; `className` sets a width or alignment. */
  columns: readonly { label: string; className?: string }[];
  /** One <tr> (with its key) a row, ending in a RemoveRowCell. */
  children: React.ReactNode;
}) {
  return (
    <>
      {error ? <p id={errorId} role="alert" className="text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      <div className="overflow-x-auto rounded-lg border border-line">
        <table className={`w-full ${className} text-left text-sm`} aria-labelledby={labelledBy} aria-describedby={error ? errorId : undefined}>
          {caption ? <caption className="sr-only">{caption}</caption> : null}
          <thead className="border-b border-line text-fg-muted">
            <tr>
              {columns.map((c) => <th key={c.label} scope="col" className={[cell, c.className, 'font-medium'].filter(Boolean).join(' ')}>{c.label}</th>)}
              <th scope="col" className={cell}><span className="sr-only">Remove</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">{children}</tbody>
        </table>
      </div>
    </>
  );
}

type RowControl = { id: string; label: string; className?: string };

/** A cell's text box with its visually hidden label; `className` adds to the shared look. */
export function RowInput({ id, label, className, ...input }: RowControl & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <>
      <label htmlFor={id} className="sr-only">{label}</label>
      <input id={id} {...input} className={className ? `${control} ${className}` : control} />
    </>
  );
}

/** A cell's select with its visually hidden label; `className` adds to the shared look. */
export function RowSelect({ id, label, className, children, ...select }: RowControl & React.SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <>
      <label htmlFor={id} className="sr-only">{label}</label>
      <select id={id} {...select} className={className ? `${control} ${className}` : control}>{children}</select>
    </>
  );
}

/** The row's last cell: its Remove button (`label` names the row), while `removable`. */
export function RemoveRowCell({ removable, label, onRemove }: { removable: boolean; label: string; onRemove: () => void }) {
  return (
    <td className={cell}>
      {removable ? (
        <button type="button" onClick={onRemove} aria-label={label} className="min-h-9 rounded-md border border-line px-2 text-sm hover:bg-surface-muted">Remove</button>
      ) : null}
    </td>
  );
}
