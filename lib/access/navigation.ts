import type { Permission } from './permissions';

/** Sections of the staff areas, each shown only to those whose level grants its permission. */
export interface AreaNavItem {
  href: string;
  label: string;
  permission: Permission;
  exact?: boolean;
}

export const EMR_NAV: AreaNavItem[] = [
  { href: '/emr', label: 'Overview', permission: 'emr.access', exact: true },
  { href: '/emr/patients', label: 'Patients', permission: 'patients.view' },
];

export const CRM_NAV: AreaNavItem[] = [
  { href: '/crm', label: 'Overview', permission: 'crm.access', exact: true },
  { href: '/crm/users', label: 'Users', permission: 'users.manage' },
];

export function visibleNav(items: AreaNavItem[], permissions: ReadonlySet<Permission>) {
  return items.filter((i) => permissions.has(i.permission)).map(({ href, label, exact }) => ({ href, label, exact }));
}
