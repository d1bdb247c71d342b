import 'server-only';

/** Audit action names of the staff home pages (`domain.verb`, as lib/audit/actions.ts). */
export const StaffHomeAuditActions = {
  /** The EMR overview listed patients' names (today's visits, messages, forms, tasks): counts only. */
  overviewViewed: 'staff_home.overview_viewed',
} as const;
