/** A full-page message for 404s, unavailable clinics and outages: calm, specific, no internals. */
export function StatusPage({
  code,
  title,
  body,
  children,
}: {
  code: string;
  title: string;
  body: string;
  children?: React.ReactNode;
}) {
  return (
    <main className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center px-6 py-16">
      <p className="text-sm font-semibold tracking-wide text-fg-muted">{code}</p>
      <h1 className="mt-2 text-3xl font-semibold tracking-tight">{title}</h1>
      <p className="mt-4 text-base leading-7 text-fg-muted">{body}</p>
      {children ? <div className="mt-8">{children}</div> : null}
    </main>
  );
}
