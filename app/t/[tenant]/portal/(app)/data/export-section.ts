import type { ComponentProps } from 'react';
import type { DataExportSection } from '@/components/portal/data/data-export-section';
import { getDb } from '@/db/client';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { patientZone } from '@/lib/conversations/display-message';
import { dataExportRefusalMessage, isDataExportRefusal } from '@/lib/data-export/refusal-words';
import { loadDataExport } from '@/lib/data-export/requests';
import { dataExport } from '@/lib/i18n/messages/data-export';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { requestDataExportAction } from './export-actions';

/**
 * What My data's "Export my data" section shows (lib/data-export), or null for a link that does
 * not open the export area. `?export=` carries the download route's refusal back to the page
 * (already downloaded, expired…); anything else there is ignored.
 */
export async function dataExportSectionProps(portal: PortalContext, refusal?: string | string[]): Promise<ComponentProps<typeof DataExportSection> | null> {
  if (!hasPortalArea(portal.patient, 'export')) return null;
  const { t, locale } = await getPortalI18n(dataExport);
  let status;
  try {
    status = await loadDataExport(getDb(), portal);
  } catch (error) {
    // The link lost the area since the session was read (staff changed it): no section, not an error page.
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  const profile = await getTenantProfile(portal.tenant.id);
  const code = typeof refusal === 'string' ? refusal : undefined;
  return {
    status,
    locale,
    timeZone: patientZone(portal.account.timeZone, profile?.locations ?? []),
    patientName: `${portal.patient.firstName} ${portal.patient.lastName}`,
    isSelf: portal.patient.relationship === 'self',
    action: requestDataExportAction,
    notice: isDataExportRefusal(code) ? dataExportRefusalMessage(t, code) : undefined,
  };
}
