import 'server-only';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import type { IntervalUnit } from '@/db/schema/commerce';
import { getPortalSession } from '@/lib/auth/portal-session';
import { formatMoney } from '@/lib/billing/money';
import { describePhases, type ShopPhase } from '@/lib/commerce/catalog-reads';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { formatters, INTL_LOCALE, toLocale, translator, type Locale, type Translate } from '@/lib/i18n/core';
import { shop } from '@/lib/i18n/messages/shop';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { NotFoundError } from '@/lib/kernel/errors';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

/**
 * What the shop's pages share: the clinic (404 while its shop is closed), who is looking (a
 * signed-in account, or a visitor) and their language, and how prices are written.
 */

export type ShopT = Translate<typeof shop.en>;

export async function shopRequest(params: Promise<{ tenant: string }>) {
  const { tenant, profile } = await getPageTenant(params);
  const settings = await getCommerceSettings(getDb(), tenant.id);
  if (!settings.shopEnabled) notFound();
  const session = await getPortalSession();
  const account = session.status === 'signed-in' ? session.context : null;
  const locale: Locale = account ? toLocale(account.account.language) : await getPublicPortalLocale();
  return { tenant, profile, settings, account, locale, t: translator(shop, locale), fmt: formatters(locale) };
}

export async function orNotFound<R>(read: Promise<R>): Promise<R> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

function period(t: ShopT, unit: IntervalUnit, count: number): string {
  const one = { day: 'periodDay', week: 'periodWeek', month: 'periodMonth', year: 'periodYear' } as const;
  const many = { day: 'periodDays', week: 'periodWeeks', month: 'periodMonths', year: 'periodYears' } as const;
  return count === 1 ? t(one[unit]) : t(many[unit], { count });
}

/**
 * A subscription's phases in the patient's language: English as the CRM writes it
 * (lib/commerce/phase-text.ts), other languages from the shop's catalogue.
 */
export function phasesText(phases: readonly ShopPhase[], currency: string, locale: Locale, t: ShopT): string {
  if (locale === 'en') return describePhases(phases, currency, INTL_LOCALE.en);
  const ordered = [...phases].sort((a, b) => a.position - b.position);
  const parts = ordered.map((p) => {
    const price = formatMoney(p.unitAmount, currency, INTL_LOCALE[locale]);
    const every = period(t, p.intervalUnit, p.intervalCount);
    if (p.cycles === null) return t('phaseEvery', { price, period: every });
    const total = p.intervalCount * p.cycles;
    // A span always says how long ("1 mes", "3 meses").
    const span = total === 1 ? `1 ${period(t, p.intervalUnit, 1)}` : period(t, p.intervalUnit, total);
    return p.cycles === 1 ? t('phaseFor', { price, span }) : t('phaseEveryFor', { price, period: every, span });
  });
  const ends = ordered.length > 0 && ordered[ordered.length - 1]!.cycles !== null;
  return `${parts.join(t('phaseThen'))}${ends ? t('phaseEnds') : ''}`;
}

/** A product's price as the shop shows it: the one-time price, or the subscription's phases. */
export function priceText(product: { kind: 'one_time' | 'subscription'; unitAmount: number | null; phases: readonly ShopPhase[] }, currency: string, locale: Locale, t: ShopT): string {
  if (product.kind === 'subscription') return phasesText(product.phases, currency, locale, t);
  return formatMoney(product.unitAmount ?? 0, currency, INTL_LOCALE[locale]);
}

export const textLink = 'inline-flex min-h-11 items-center link';
export const linkButton =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md';
export const secondaryLink =
  'inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 text-base font-medium hover:bg-surface-muted';
