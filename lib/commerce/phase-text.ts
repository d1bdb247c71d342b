import type { IntervalUnit } from '@/db/schema/commerce';
import { formatMoney } from '@/lib/billing/money';

/**
 * A subscription's phases in one sentence for people: "$99 for the first month, then $149 every
 * month". Pure and browser-safe (the CRM form previews it as the admin types; the shop shows it).
 * English: the portal's translated pages word it from their own catalogue.
 */

export interface PhaseTextInput {
  position: number;
  unitAmount: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  /** Null: it repeats until cancelled (only the last phase may). */
  cycles: number | null;
}

export const INTERVAL_UNIT_LABELS: Record<IntervalUnit, { one: string; other: string }> = {
  day: { one: 'day', other: 'days' },
  week: { one: 'week', other: 'weeks' },
  month: { one: 'month', other: 'months' },
  year: { one: 'year', other: 'years' },
};

/** "month", "3 months". */
export function periodText(unit: IntervalUnit, count: number): string {
  return count === 1 ? INTERVAL_UNIT_LABELS[unit].one : `${count} ${INTERVAL_UNIT_LABELS[unit].other}`;
}

/** How often a phase charges: "every month", "every 3 months". */
export function everyText(unit: IntervalUnit, count: number): string {
  return `every ${periodText(unit, count)}`;
}

/**
 * One phase, as part of the sentence. A phase of one payment covers one period ("for the first
 * month"); a phase of several says how often and how long ("every month for the next 3 months").
 */
function phaseText(phase: PhaseTextInput, currency: string, locale: string, place: 'only' | 'first' | 'later'): string {
  const price = formatMoney(phase.unitAmount, currency, locale);
  if (phase.cycles === null) return `${price} ${everyText(phase.intervalUnit, phase.intervalCount)}`;
  const total = phase.intervalCount * phase.cycles;
  // "for the first month", "for the next month", but "for one month" (not "for month").
  const span = total === 1 && place === 'only' ? `one ${INTERVAL_UNIT_LABELS[phase.intervalUnit].one}` : periodText(phase.intervalUnit, total);
  const lead = place === 'first' ? 'for the first' : place === 'later' ? 'for the next' : 'for';
  if (phase.cycles === 1) return `${price} ${lead} ${span}`;
  return `${price} ${everyText(phase.intervalUnit, phase.intervalCount)} ${lead} ${span}`;
}

/**
 * "$99 for the first month, then $149 every month"; "$50 every month for 3 months, then the
 * subscription ends". Phases are read in `position` order; an empty list says so.
 */
export function describePhases(phases: readonly PhaseTextInput[], currency: string, locale = 'en-US'): string {
  if (phases.length === 0) return 'No billing phases yet';
  const ordered = [...phases].sort((a, b) => a.position - b.position);
  const parts = ordered.map((p, i) => phaseText(p, currency, locale, ordered.length === 1 ? 'only' : i === 0 ? 'first' : 'later'));
  const ends = ordered[ordered.length - 1]!.cycles !== null;
  return `${parts.join(', then ')}${ends ? ', then the subscription ends' : ''}`;
}

/** The first payment of a subscription (what checkout charges now), or null without phases. */
export function firstPhaseAmount(phases: readonly PhaseTextInput[]): number | null {
  if (phases.length === 0) return null;
  return [...phases].sort((a, b) => a.position - b.position)[0]!.unitAmount;
}
