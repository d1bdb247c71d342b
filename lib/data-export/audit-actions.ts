import 'server-only';

/**
 * Audit action names for "export my data" (`domain.verb`, as lib/audit/actions.ts). The request
 * and the download are the portal account's; the build, expiry and failure are the system's.
 */
export const DataExportAuditActions = {
  requested: 'data_export.requested',
  built: 'data_export.built',
  failed: 'data_export.failed',
  downloaded: 'data_export.downloaded',
  downloadRefused: 'data_export.download_refused',
  expired: 'data_export.expired',
} as const;
