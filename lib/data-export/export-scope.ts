import 'server-only';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';

/**
 * What an export holds for the person who asked: the parts of the record their link reaches
 * today (lib/portal-access/proxy-scope.ts). The patient's own account reaches everything; a
 * parent with a custom scope of "export" and "bookings" gets the Patient and the visits, not the
 * documents they could not open in the portal. Items hidden from proxies are left out for anyone
 * but the patient (`self`). Pure: the job decides with the link as it is when the export is built.
 */
export interface ExportScope {
  /** Contact details, address and language on the Patient; RelatedPerson (the "records" area). */
  personalDetails: boolean;
  appointments: boolean;
  documents: boolean;
  forms: boolean;
  messages: boolean;
  invoices: boolean;
  /** Documents and conversations marked hidden from proxies are included. */
  hiddenFromProxies: boolean;
}

export function exportScope(areas: readonly PortalArea[], isSelf: boolean): ExportScope {
  const has = (area: PortalArea) => areas.includes(area);
  return {
    personalDetails: has('records'),
    appointments: has('bookings'),
    documents: has('documents'),
    forms: has('forms'),
    messages: has('messages'),
    invoices: has('billing'),
    hiddenFromProxies: isSelf,
  };
}
