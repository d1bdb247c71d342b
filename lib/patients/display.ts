import 'server-only';
import type { PortalRelationship } from '@/db/schema';
import { translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';

const RELATIONSHIP_KEYS = {
  self: 'relationshipSelf',
  parent: 'relationshipParent',
  guardian: 'relationshipGuardian',
  caregiver: 'relationshipCaregiver',
  spouse: 'relationshipSpouse',
  other: 'relationshipOther',
} as const satisfies Record<PortalRelationship, keyof typeof common.en>;

/** "Parent" / "Padre o madre". Staff pages (English only) call it without a locale. */
export function relationshipLabel(relationship: PortalRelationship, locale: Locale = 'en'): string {
  return translator(common, locale)(RELATIONSHIP_KEYS[relationship]);
}

/** 2016-09-03 -> 09/03/2016 (US format, as printed on the clinic's instructions). Staff pages. */
export function formatDateOfBirth(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${m}/${d}/${y}`;
}
