import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { commerceSettings } from '@/db/schema';
import { FRAME_MEMO_MS, frameMemo } from '@/lib/kernel/frame-memo';
import { requestMemoized } from '@/lib/kernel/request-memo';

/**
 * A clinic's shop and subscription options (CRM → Shop). The row is made on first save (or when
 * the first order number is taken); until then a clinic has the defaults: shop closed.
 */

export interface CommerceSettingsView {
  shopEnabled: boolean;
  openToNewVisitors: boolean;
  allowSkip: boolean;
  allowPause: boolean;
  maxPauseDays: number;
  allowReschedule: boolean;
  rescheduleWindowDays: number;
  allowCancel: boolean;
  retryDays: number[];
  requirementsDueDays: number;
  teams: string[];
}

export const DEFAULT_COMMERCE_SETTINGS: Readonly<CommerceSettingsView> = {
  shopEnabled: false,
  openToNewVisitors: false,
  allowSkip: true,
  allowPause: true,
  maxPauseDays: 90,
  allowReschedule: true,
  rescheduleWindowDays: 14,
  allowCancel: true,
  retryDays: [1, 3, 7],
  requirementsDueDays: 7,
  teams: ['Clinical review', 'Fulfilment', 'Support'],
};

/** The options' columns, as the CRM form and every reader see them. */
export const COMMERCE_SETTINGS_COLUMNS = {
  shopEnabled: commerceSettings.shopEnabled,
  openToNewVisitors: commerceSettings.openToNewVisitors,
  allowSkip: commerceSettings.allowSkip,
  allowPause: commerceSettings.allowPause,
  maxPauseDays: commerceSettings.maxPauseDays,
  allowReschedule: commerceSettings.allowReschedule,
  rescheduleWindowDays: commerceSettings.rescheduleWindowDays,
  allowCancel: commerceSettings.allowCancel,
  retryDays: commerceSettings.retryDays,
  requirementsDueDays: commerceSettings.requirementsDueDays,
  teams: commerceSettings.teams,
};

async function readCommerceSettings(db: Executor, tenantId: string): Promise<CommerceSettingsView> {
  const [row] = await db.select(COMMERCE_SETTINGS_COLUMNS).from(commerceSettings).where(eq(commerceSettings.tenantId, tenantId));
  return row ?? DEFAULT_COMMERCE_SETTINGS;
}

// The shop's layout, its page and checkout's checks all ask: one query a request (a copy each).
const perRequest = requestMemoized(readCommerceSettings, (s) => ({ ...s, retryDays: [...s.retryDays], teams: [...s.teams] }));

/** The clinic's options (the defaults when never saved). No permission check: everyone reads them. */
export async function getCommerceSettings(db: Executor, tenantId: string): Promise<CommerceSettingsView> {
  return perRequest.get(db, tenantId);
}

/** After the CRM saves the shop's options: this request's later reads go to the database. */
export function forgetCommerceSettings(tenantId: string): void {
  perRequest.forget(tenantId);
  shopNav.forget(tenantId);
}

const shopNav = frameMemo('portal-nav-shop', FRAME_MEMO_MS, async (db, tenantId) => (await readCommerceSettings(db, tenantId)).shopEnabled);

/**
 * Whether the portal's navigation lists Shop and Orders: the shop's switch, remembered by the
 * process for a few seconds (every portal page's frame asks; the shop's own pages read it fresh).
 */
export async function shopShownInNav(db: Executor, tenantId: string): Promise<boolean> {
  return shopNav.get(db, tenantId);
}

/**
 * The next order number of a clinic, taken under its settings row's lock inside the caller's
 * transaction (made on first use): unique, and given back if the transaction rolls back. The row
 * stays locked until that commit, so the clinic's other orders wait for the rest of the
 * transaction: take it as late as the transaction allows (renewals.ts's makeOrder takes it once
 * the invoice is written, just before the order, and commits a few statements later).
 */
export async function takeOrderNumber(tx: Executor, tenantId: string): Promise<number> {
  return takeOrderNumbers(tx, tenantId, 1);
}

/**
 * takeOrderNumber for `count` orders made together (a renewal pass's): the first of `count`
 * consecutive numbers, in one statement under the same lock, with the same rule of taking them
 * as late as the transaction allows.
 */
export async function takeOrderNumbers(tx: Executor, tenantId: string, count: number): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new Error('order numbers: count must be a positive whole number');
  const [row] = await tx
    .insert(commerceSettings)
    .values({ tenantId, nextOrderNumber: count + 1 })
    .onConflictDoUpdate({ target: commerceSettings.tenantId, set: { nextOrderNumber: sql`${commerceSettings.nextOrderNumber} + ${count}` } })
    .returning({ next: commerceSettings.nextOrderNumber });
  return row!.next - count;
}

/** How order numbers are shown: ORD-001042. */
export function orderLabel(n: number): string {
  return `ORD-${String(n).padStart(6, '0')}`;
}
