import 'server-only';
import type { Executor } from '@/db/client';
import type { StaffContext } from '@/lib/access/context';
import { isLocale, toLocale, type Locale } from '@/lib/i18n/core';
import { RuleError } from '@/lib/kernel/errors';
import type { ObjectStore } from '@/lib/storage/object-store';
import { buildHandout, type Handout } from './content';
import { loadHandoutFacts, type HandoutFacts } from './facts';
import { loadHandoutLogo } from './logo';
import { PAPER_SIZES, renderHandoutPdf, type Paper } from './pdf';

/**
 * The portal handout for the CRM: the print view reads `getHandout`, the download `getHandoutPdf`.
 * Both re-check `settings.manage` (in loadHandoutFacts) whatever the page or route checked.
 */

/** A handout for a portal patients cannot use would send them to a closed door. */
export class HandoutRuleError extends RuleError {
  constructor(override readonly code: 'portal-disabled') {
    super(code, 'The patient portal is switched off, so this handout would send patients to a closed door. Switch the portal on under Portal settings first.');
    this.name = 'HandoutRuleError';
  }
}

export interface HandoutOptions {
  /** The language asked for; a missing one is the clinic's default portal language. */
  lang?: string | null;
  paper?: string | null;
}

/** What the query string may say, or the refusal to show. Unknown values are refused, not guessed. */
export function parseHandoutOptions(options: HandoutOptions): { ok: true; lang: Locale | null; paper: Paper } | { ok: false; message: string } {
  const lang = options.lang ?? null;
  const paper = options.paper ?? 'letter';
  if (lang !== null && !isLocale(lang)) return { ok: false, message: 'Choose a portal language: en or es.' };
  if (!Object.hasOwn(PAPER_SIZES, paper)) return { ok: false, message: 'Choose a paper size: letter or a4.' };
  return { ok: true, lang, paper: paper as Paper };
}

export async function getHandout(
  db: Executor,
  ctx: StaffContext,
  input: { lang: Locale | null; requestOrigin: string },
): Promise<{ facts: HandoutFacts; handout: Handout }> {
  const facts = await loadHandoutFacts(db, ctx, input.requestOrigin);
  return { facts, handout: buildHandout(facts, input.lang ?? toLocale(facts.defaultLanguage)) };
}

export async function getHandoutPdf(
  db: Executor,
  ctx: StaffContext,
  input: { lang: Locale | null; paper: Paper; requestOrigin: string },
  store?: ObjectStore,
): Promise<{ bytes: Uint8Array; filename: string }> {
  const { facts, handout } = await getHandout(db, ctx, input);
  if (!facts.portalEnabled) throw new HandoutRuleError('portal-disabled');
  const logo = await loadHandoutLogo(ctx.tenant.id, facts.logoUrl, store);
  const bytes = await renderHandoutPdf(handout, { logo, paper: input.paper });
  return { bytes, filename: `portal-handout-${ctx.tenant.slug}-${handout.locale}.pdf` };
}
