/** Shared classes of the booking screens: big touch targets (focus is drawn by globals.css :focus-visible). */
export const primaryLink = 'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md';
export const secondaryLink = 'inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 text-base font-medium text-fg hover:bg-surface-muted';
export const textLink = 'link';
