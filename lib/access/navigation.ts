import 'server-only';
import type { Permission } from './permissions';

/** Sections of the staff areas, each shown only to those whose level grants its permission. */
export interface AreaNavItem {
  href: string;
  label: string;
  /** The permission that shows it; with a list, any one of them. */
  permission: Permission | readonly Permission[];
  exact?: boolean;
}

export const EMR_NAV: AreaNavItem[] = [
  { href: '/emr', label: 'Overview', permission: 'emr.access', exact: true },
  { href: '/emr/patients', label: 'Patients', permission: 'patients.view' },
  { href: '/emr/schedule', label: 'Schedule', permission: 'schedule.view' },
  { href: '/emr/schedule/waitlist', label: 'Waitlist', permission: 'schedule.view' },
  { href: '/emr/messages', label: 'Messages', permission: 'messages.view' },
  { href: '/emr/forms', label: 'Forms', permission: 'forms.assign' },
  { href: '/emr/billing', label: 'Billing', permission: 'billing.view' },
  { href: '/emr/orders', label: 'Orders', permission: 'orders.view' },
  { href: '/emr/tasks', label: 'Tasks', permission: 'tasks.manage' },
  { href: '/emr/registrations', label: 'Registrations', permission: 'portal_admin.view' },
];

export const CRM_NAV: AreaNavItem[] = [
  { href: '/crm', label: 'Overview', permission: 'crm.access', exact: true },
  { href: '/crm/users', label: 'Users', permission: 'users.manage' },
  { href: '/crm/branding', label: 'Branding', permission: 'settings.manage' },
  { href: '/crm/portal-settings', label: 'Portal settings', permission: 'settings.manage' },
  { href: '/crm/handout', label: 'Portal handout', permission: 'settings.manage' },
  { href: '/crm/locations', label: 'Locations', permission: 'settings.manage' },
  { href: '/crm/services', label: 'Services', permission: 'settings.manage' },
  { href: '/crm/billing', label: 'Billing', permission: 'billing.settings' },
  { href: '/crm/sms', label: 'SMS usage', permission: 'settings.manage' },
  { href: '/crm/forms', label: 'Forms', permission: 'forms.manage' },
  { href: '/crm/products', label: 'Products', permission: 'commerce.catalog' },
  { href: '/crm/coupons', label: 'Coupons', permission: 'commerce.catalog' },
  { href: '/crm/shop', label: 'Shop settings', permission: 'commerce.catalog' },
  { href: '/crm/automations', label: 'Automations', permission: 'automations.manage' },
  { href: '/crm/templates', label: 'Message templates', permission: ['automations.manage', 'campaigns.manage'] },
  { href: '/crm/segments', label: 'Segments', permission: 'campaigns.manage' },
  { href: '/crm/campaigns', label: 'Campaigns', permission: 'campaigns.manage' },
  { href: '/crm/providers', label: 'Providers', permission: 'settings.manage' },
  { href: '/crm/document-types', label: 'Document types', permission: 'settings.manage' },
  { href: '/crm/audit', label: 'Audit log', permission: 'audit.view' },
  { href: '/crm/domains', label: 'Domains', permission: 'settings.manage' },
  { href: '/crm/access-levels', label: 'Access levels', permission: 'users.manage' },
];

export function visibleNav(items: AreaNavItem[], permissions: ReadonlySet<Permission>) {
  return items
    .filter((i) => (typeof i.permission === 'string' ? [i.permission] : i.permission).some((p) => permissions.has(p)))
    .map(({ href, label, exact }) => ({ href, label, exact }));
}
