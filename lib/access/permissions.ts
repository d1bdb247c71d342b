import 'server-only';
/**
 * Named permissions and the built-in access levels. Pure data: shared by the server checks,
 * the seed and the CRM's permission matrix.
 */

export const PERMISSIONS = {
  'crm.access': 'Open the CRM portal',
  'emr.access': 'Open the EMR portal',
  'patients.view': 'View patients and their charts',
  'patients.edit': 'Create and edit patients',
  'national_id.view': 'See national IDs unmasked',
  'documents.view': 'View patient documents',
  'documents.upload': 'Upload and edit patient documents',
  'portal_admin.view': 'Administer patients\u2019 portal access',
  'schedule.view': 'View the schedule',
  'schedule.manage': 'Book, move and cancel appointments',
  'messages.view': 'Read patient messages',
  'messages.send': 'Send patient messages',
  'forms.assign': 'Assign forms to patients and review their answers',
  'forms.manage': 'Build and publish forms',
  'billing.view': 'See invoices, payments and balances',
  'billing.manage': 'Invoice, take payments, charge saved cards and refund',
  'billing.settings': 'Change billing options and the payment provider',
  'commerce.catalog': 'Manage the shop: products, coupons and subscription options',
  'orders.view': 'See orders, shipments and subscriptions',
  'orders.manage': 'Move orders, ship them, and change or cancel subscriptions',
  'tasks.manage': 'See, create and complete the clinic\u2019s tasks',
  'automations.manage': 'Build, switch on and pause automations, and edit message templates',
  'campaigns.manage': 'Build segments, edit message templates and send marketing campaigns',
  'settings.manage': 'Change clinic settings and branding',
  'users.manage': 'Invite users and manage access levels',
  'audit.view': 'View the audit log',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export const BUILTIN_LEVELS = {
  admin: { name: 'Admin', permissions: ALL_PERMISSIONS },
  physician: {
    name: 'Physician',
    permissions: [
      'emr.access', 'patients.view', 'patients.edit', 'documents.view', 'documents.upload',
      'portal_admin.view', 'schedule.view', 'schedule.manage', 'messages.view', 'messages.send',
      'forms.assign', 'orders.view', 'orders.manage', 'tasks.manage',
    ],
  },
  operations: {
    name: 'Operations',
    permissions: [
      'emr.access', 'patients.view', 'patients.edit', 'national_id.view', 'documents.view',
      'documents.upload', 'portal_admin.view', 'schedule.view', 'schedule.manage', 'messages.view',
      'messages.send', 'forms.assign', 'billing.view', 'billing.manage', 'orders.view', 'orders.manage',
      'tasks.manage',
    ],
  },
  support: {
    name: 'Support',
    permissions: [
      'emr.access', 'patients.view', 'documents.view', 'portal_admin.view', 'schedule.view',
      'messages.view', 'messages.send', 'orders.view', 'tasks.manage',
    ],
  },
  marketing: { name: 'Marketing', permissions: ['crm.access', 'commerce.catalog', 'campaigns.manage'] },
} as const satisfies Record<string, { name: string; permissions: readonly Permission[] }>;

export type BuiltinLevelKey = keyof typeof BUILTIN_LEVELS;
export const BUILTIN_LEVEL_KEYS = Object.keys(BUILTIN_LEVELS) as BuiltinLevelKey[];
