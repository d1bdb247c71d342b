import { DataExportSection } from '@/components/portal/data/data-export-section';
import { getDb } from '@/db/client';
import type { PortalContext } from '@/lib/access/context';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { patientZone } from '@/lib/conversations/display-message';
import { dataExportRefusalMessage, isDataExportRefusal } from '@/lib/data-export/refusal-words';
import { loadDataExport } from '@/lib/data-export/requests';
import { dataExport } from '@/lib/i18n/messages/data-export';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { requestDataExportAction } from './export-actions';

/**
 * "Export my data" on My data, for a link that opens the export area (lib/data-export). `?export=`
 * carries the download route's refusal back to the page (already downloaded, expired…).
 */
export async function DataExportArea({ portal, refusal }: { portal: PortalContext; refusal?: string | string[] }) {
  if (!hasPortalArea(portal.patient, 'export')) return null;
  const { t, locale } = await getPortalI18n(dataExport);
  const status = await loadDataExport(getDb(), portal);
  const profile = await getTenantProfile(portal.tenant.id);
  const code = typeof refusal === 'string' ? refusal : undefined;
  return (
    <DataExportSection
      status={status}
      locale={locale}
      timeZone={patientZone(portal.account.timeZone, profile?.locations ?? [])}
      patientName={`${portal.patient.firstName} ${portal.patient.lastName}`}
      isSelf={portal.patient.relationship === 'self'}
      action={requestDataExportAction}
      notice={isDataExportRefusal(code) ? dataExportRefusalMessage(t, code) : undefined}
    />
  );
}
