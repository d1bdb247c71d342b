import 'server-only';

/** Audit action names for access-level changes (`domain.verb`, as lib/audit/actions.ts). */
export const AccessLevelAuditActions = {
  created: 'access_level.created',
  permissionsChanged: 'access_level.permissions_changed',
  renamed: 'access_level.renamed',
  deleted: 'access_level.deleted',
} as const;
