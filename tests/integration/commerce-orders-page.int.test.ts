import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import { orderFilterOptions } from '@/lib/commerce/orders-staff';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { hostFor, invokeAction, signIn } from '../support/action-harness';
import { inRequest } from '../support/request-cache';
import { createStaffContext } from '../support/staff-context';
import { commerceClinic } from './commerce-fixtures';
import { orderOf } from './commerce-orders-fixtures';

vi.mock('react', async (real) => (await import('../support/request-cache')).reactCacheMock(await real()));
vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { default: ordersPage } = await import('@/app/t/[tenant]/emr/(app)/orders/page');
const { default: emrLayout } = await import('@/app/t/[tenant]/emr/(app)/layout');

const DAY = 86_400_000;

async function counted<T>(fn: () => Promise<T>): Promise<{ out: T; statements: number }> {
  const before = getDatabaseHandle().queryCount();
  const out = await fn();
  return { out, statements: getDatabaseHandle().queryCount() - before };
}

describe('/emr/orders', () => {
  it('offers the people who may see orders, the teams and every product, in one statement beside the settings', async () => {
    const w = await commerceClinic();
    await createStaffContext(w.tenant, 'marketing'); // no orders.view: not offered
    const options = await orderFilterOptions(getDb(), w.admin);
    // The same people, in the same order, as the assignment's own rule (orderAssignees).
    const { orderAssignees } = await import('@/lib/commerce/orders-staff');
    const assignees = await orderAssignees(getDb(), w.tenant.id);
    expect(assignees.length).toBeGreaterThan(0);
    expect(options.staff).toEqual(assignees);
    expect(options.teams).toEqual((await getCommerceSettings(getDb(), w.tenant.id)).teams);
    // Active before archived, then by position: the fixture's four products.
    expect(options.products).toEqual([
      { id: w.oneTime.id, name: 'Travel kit', status: 'active' },
      { id: w.subscription.id, name: 'Care plan', status: 'active' },
      { id: w.staffOnly.id, name: 'Clinic supply', status: 'active' },
      { id: w.archived.id, name: 'Old kit', status: 'archived' },
    ]);
  });

  it('renders Needs attention with its layout in at most five statements, times in the clinic’s zone', async () => {
    const w = await commerceClinic();
    const failed = await orderOf(w, { status: 'awaiting_payment', invoice: 'open' });
    await orderOf(w, { status: 'awaiting_review', since: new Date(Date.now() - 3 * DAY) });
    await orderOf(w, { status: 'completed', createdAt: new Date('2026-01-15T12:00:00Z') });
    const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w.admin.actor.id });
    const req = { host: hostFor(w.tenant.slug), cookies, path: '/emr/orders?view=attention' };
    const params = Promise.resolve({ tenant: w.tenant.slug });
    const request = () => inRequest(() => counted(async () => {
      const [layout, page] = await Promise.all([
        invokeAction(req, emrLayout, { children: null, params }),
        invokeAction(req, async () => renderToStaticMarkup(await ordersPage({ searchParams: Promise.resolve({ view: 'attention' }) }))),
      ]);
      expect(layout.kind, JSON.stringify(layout)).toBe('returned');
      expect(page.kind, JSON.stringify(page)).toBe('returned');
      return (page as { value: string }).value;
    }));
    await request(); // the clinic's profile and host, remembered by the process as in a running server
    const { out: html, statements } = await request();
    expect(statements).toBeLessThanOrEqual(5);
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(html).toContain(`href="/emr/orders/${failed.id}"`);
    expect(text).toMatch(/Needs attention 2/);
    expect(text).not.toContain('No orders here');
  });
});
