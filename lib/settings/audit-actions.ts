import 'server-only';

/** Audit action names for CRM configuration changes (`domain.verb`, as lib/audit/actions.ts). */
export const SettingsAuditActions = {
  brandingChanged: 'settings.branding_changed',
  portalChanged: 'settings.portal_changed',
  locationAdded: 'settings.location_added',
  locationChanged: 'settings.location_changed',
  locationDeactivated: 'settings.location_deactivated',
  locationReactivated: 'settings.location_reactivated',
  documentTypeAdded: 'settings.document_type_added',
  documentTypeChanged: 'settings.document_type_changed',
  documentTypeDeactivated: 'settings.document_type_deactivated',
  documentTypeReactivated: 'settings.document_type_reactivated',
  auditExported: 'audit.exported',
} as const;
