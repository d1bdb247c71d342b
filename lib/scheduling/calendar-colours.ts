import 'server-only';

/**
 * A service's colour on the staff calendar: the same service always gets the same colour (from
 * its id, so renaming keeps it), each pair of background and text at least 4.5:1 (WCAG 1.4.3) in
 * both themes. Colour only repeats what the block says in words (WCAG 1.4.1).
 */

export const SERVICE_PALETTE = [
  'bg-sky-100 text-sky-950 border-sky-700 dark:bg-sky-950 dark:text-sky-50 dark:border-sky-300',
  'bg-violet-100 text-violet-950 border-violet-700 dark:bg-violet-950 dark:text-violet-50 dark:border-violet-300',
  'bg-emerald-100 text-emerald-950 border-emerald-700 dark:bg-emerald-950 dark:text-emerald-50 dark:border-emerald-300',
  'bg-amber-100 text-amber-950 border-amber-700 dark:bg-amber-950 dark:text-amber-50 dark:border-amber-300',
  'bg-rose-100 text-rose-950 border-rose-700 dark:bg-rose-950 dark:text-rose-50 dark:border-rose-300',
  'bg-teal-100 text-teal-950 border-teal-700 dark:bg-teal-950 dark:text-teal-50 dark:border-teal-300',
  'bg-indigo-100 text-indigo-950 border-indigo-700 dark:bg-indigo-950 dark:text-indigo-50 dark:border-indigo-300',
  'bg-lime-100 text-lime-950 border-lime-700 dark:bg-lime-950 dark:text-lime-50 dark:border-lime-300',
  'bg-fuchsia-100 text-fuchsia-950 border-fuchsia-700 dark:bg-fuchsia-950 dark:text-fuchsia-50 dark:border-fuchsia-300',
  'bg-orange-100 text-orange-950 border-orange-700 dark:bg-orange-950 dark:text-orange-50 dark:border-orange-300',
] as const;

/** A cancelled visit is grey whatever its service: it no longer holds the time. */
export const CANCELLED_COLOUR = 'bg-surface-muted text-fg border-line border-dashed';

/** FNV-1a over the id: stable across renders, servers and releases. */
export function serviceColourIndex(serviceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < serviceId.length; i++) {
    hash ^= serviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % SERVICE_PALETTE.length;
}

export function serviceColour(serviceId: string): string {
  return SERVICE_PALETTE[serviceColourIndex(serviceId)]!;
}
