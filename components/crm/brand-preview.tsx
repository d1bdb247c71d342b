'use client';

import { brandCssVariables } from '@/lib/branding/colors';

/**
 * The patient portal's sign-in card and dashboard banner, drawn with the colour and theme being
 * edited: the same CSS variables and data-theme the portal's layout sets. Inert: it looks like
 * a form but is a picture of one.
 */
export function BrandPreview({
  displayName,
  color,
  theme,
  logoUrl,
}: {
  displayName: string;
  color: string;
  theme: 'light' | 'dark' | 'system';
  logoUrl: string | null;
}) {
  const name = displayName.trim() || 'Your clinic';
  return (
    <div
      data-theme={theme}
      style={brandCssVariables(color) as React.CSSProperties}
      className="overflow-hidden rounded-xl border border-line bg-surface-muted p-3 text-fg sm:p-4"
    >
      <div inert className="space-y-4 select-none">
        <div className="flex items-center gap-2">
          {logoUrl ? (
            // eslint-disable-next-line @next/next/no-img-element -- clinic logos are uploaded files of any size
            <img src={logoUrl} alt="" width={28} height={28} className="rounded-md" />
          ) : (
            <span aria-hidden className="grid size-7 place-items-center rounded-md bg-brand text-sm font-semibold text-brand-contrast">
              {name.charAt(0)}
            </span>
          )}
          <span className="font-semibold">{name}</span>
        </div>

        <div className="rounded-xl bg-brand px-4 py-4 text-brand-contrast">
          <p className="text-lg font-semibold">Welcome to {name}</p>
          <p className="mt-1 text-sm opacity-95">Book and manage your visits, read your documents.</p>
        </div>
        <div className="rounded-xl border border-line bg-surface p-4 shadow-sm">
          <p className="font-semibold">Sign in</p>
          <div className="mt-3 space-y-3 text-sm">
            <div>
              <span className="block font-medium">Email</span>
              <span className="mt-1 block rounded-lg border border-line bg-surface px-3 py-2 text-fg-muted">alex@example.com</span>
            </div>
            <div>
              <span className="block font-medium">Password</span>
              <span className="mt-1 block rounded-lg border border-line bg-surface px-3 py-2 text-fg-muted">••••••••</span>
            </div>
            <span className="flex min-h-10 items-center justify-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">Sign in</span>
            <span className="block link">Forgot password?</span>
          </div>
        </div>

        <p className="text-xs font-semibold uppercase tracking-wide text-fg-muted">After sign-in</p>
        <div className="rounded-xl bg-brand p-4 text-brand-contrast">
          <p className="font-semibold">Good morning, Alex</p>
          <p className="mt-1 text-sm opacity-95">Your next visit: Tuesday 10:30 at Main clinic.</p>
          <span className="mt-3 inline-flex rounded-lg bg-surface px-3 py-1.5 text-sm font-semibold text-fg">Book a visit</span>
        </div>
        <div className="rounded-xl border border-line bg-brand-soft p-3 text-sm">
          New document: <span className="link">Lab result, 12 May</span>
        </div>
      </div>
    </div>
  );
}
