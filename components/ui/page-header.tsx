/** A page's title and a sentence on what the page is for; `above` holds a way back (a breadcrumb). */
export function PageHeader({ title, above, children }: { title: React.ReactNode; above?: React.ReactNode; children: React.ReactNode }) {
  return (
    <header>
      {above}
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-1 text-fg-muted">{children}</p>
    </header>
  );
}
