import { describe, expect, it } from 'vitest';
import { assertPermission, canUseArea, ForbiddenError, hasPermission, type StaffContext } from '@/lib/access/context';
import { BUILTIN_LEVELS, isPermission, type Permission } from '@/lib/access/permissions';
import { EMR_NAV, CRM_NAV, visibleNav } from '@/lib/access/navigation';

function contextWith(permissions: Permission[]): StaffContext {
  return {
    tenant: { id: 't', slug: 't', name: 'T', status: 'active' },
    sessionId: 's',
    actor: { kind: 'staff', id: 'a', fullName: 'A', email: 'a@t.test', accessLevelId: 'l', accessLevelName: 'Custom', permissions: new Set(permissions) },
  };
}

describe('access levels', () => {
  it('grants areas by permission: Admin both, Physician EMR, Marketing CRM without patient data', () => {
    const admin = new Set<Permission>(BUILTIN_LEVELS.admin.permissions);
    const physician = new Set<Permission>(BUILTIN_LEVELS.physician.permissions);
    const marketing = new Set<Permission>(BUILTIN_LEVELS.marketing.permissions);
    expect([canUseArea(admin, 'crm'), canUseArea(admin, 'emr')]).toEqual([true, true]);
    expect([canUseArea(physician, 'crm'), canUseArea(physician, 'emr')]).toEqual([false, true]);
    expect([canUseArea(marketing, 'crm'), canUseArea(marketing, 'emr')]).toEqual([true, false]);
    expect(marketing.has('patients.view')).toBe(false);
  });

  it('lets a custom level be made of named permissions and enforces exactly those', () => {
    const ctx = contextWith(['emr.access', 'patients.view', 'portal_admin.view']);
    expect(hasPermission(ctx, 'patients.view')).toBe(true);
    expect(() => assertPermission(ctx, 'portal_admin.view')).not.toThrow();
    expect(() => assertPermission(ctx, 'patients.edit')).toThrow(ForbiddenError);
    // Registrations are seen with portal administration (deciding needs patients.edit too).
    expect(visibleNav(EMR_NAV, ctx.actor.permissions).map((n) => n.href)).toEqual(['/emr', '/emr/patients', '/emr/registrations']);
    expect(visibleNav(CRM_NAV, ctx.actor.permissions)).toEqual([]);
  });

  it('recognises only known permission names', () => {
    expect(isPermission('patients.view')).toBe(true);
    expect(isPermission('patients.delete_everything')).toBe(false);
    expect(isPermission('__proto__')).toBe(false);
  });
});
