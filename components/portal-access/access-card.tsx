/** A card for the flows' pages: phone-width first, the same frame as the sign-in card. */
export function AccessCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby="access-heading" className="mx-auto w-full max-w-md rounded-2xl border border-line bg-surface p-6 shadow-sm">
      <h1 id="access-heading" className="text-xl font-semibold">
        {title}
      </h1>
      {children}
    </section>
  );
}
