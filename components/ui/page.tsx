/**
 * A page of sections under its title: the title, a sentence on what the page is for (`above` it
 * a way back, such as a breadcrumb), then the page's sections, evenly spaced.
 */
export function Page({ title, above, description, children }: { title: React.ReactNode; above?: React.ReactNode; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <header>
        {above}
        <h1 className="text-2xl font-semibold">{title}</h1>
        <p className="mt-1 text-fg-muted">{description}</p>
      </header>
      {children}
    </div>
  );
}
