import type { PortalRelationship } from '@/db/schema';

const RELATIONSHIP: Record<PortalRelationship, string> = {
  self: 'You',
  parent: 'Parent',
  guardian: 'Guardian',
  caregiver: 'Caregiver',
  spouse: 'Spouse or partner',
  other: 'Authorised contact',
};

export function relationshipLabel(relationship: PortalRelationship): string {
  return RELATIONSHIP[relationship];
}

/** 2016-09-03 -> 09/03/2016 (US format, as printed on the clinic's instructions). */
export function formatDateOfBirth(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${m}/${d}/${y}`;
}
