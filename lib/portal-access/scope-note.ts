import type { PortalArea, ScopeReason } from './proxy-scope';
import { FULL_PROXY_AREAS } from './proxy-scope';

/**
 * Why a link opens only part of a person's portal, or none of it today (issue 19), as the key of
 * the few words the patient selector and the profile chooser show after the name (the common
 * catalogue's `selector…` keys; `{name}` is the person's first name). Null when the link opens
 * everything it can. Browser-safe: the header's selector is a client component.
 */
export type ScopeNoteKey = 'selectorTeenLimited' | 'selectorAdultEnded' | 'selectorLimited' | 'selectorNotStarted' | 'selectorEnded';

export function scopeNoteKey(link: { areas: readonly PortalArea[]; scopeReason: ScopeReason }): ScopeNoteKey | null {
  switch (link.scopeReason) {
    case 'self': return null;
    case 'teen_limited': return 'selectorTeenLimited';
    case 'adult_ended': return 'selectorAdultEnded';
    case 'not_started': return 'selectorNotStarted';
    case 'ended': return 'selectorEnded';
    // As granted: a note only when staff gave less than the full scope.
    case 'scope': return FULL_PROXY_AREAS.every((a) => link.areas.includes(a)) ? null : 'selectorLimited';
  }
}
