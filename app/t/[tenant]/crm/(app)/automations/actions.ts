'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import type { StaffContext } from '@/lib/access/context';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { AutomationRuleError, createAutomation, setAutomationStatus, updateAutomation } from '@/lib/engagement/automations/automations';
import {
  automationFormSchema, automationStatusSchema, draftFieldErrors, draftFromPost, editDraft, inputOf, placeProblems, postedVersion, postTooLong,
  type AutomationDraft, type BuilderState, type DryRunView,
} from '@/lib/engagement/automations/builder-form';
import { clinicTimeFormatter, eventWords, triggerWords } from '@/lib/engagement/automations/builder-words';
import { dryRunAutomation } from '@/lib/engagement/automations/dry-run';
import { RuleError } from '@/lib/kernel/errors';
import { z } from '@/lib/validation/zod';

/**
 * CRM → Automations (issue 18 point 2), with automations.manage (lib/ checks it again). One action
 * serves the builder's buttons, by `intent`: save, dry run, and — without JavaScript, where the
 * browser cannot change the form itself — add, remove and move steps and conditions. Every answer
 * carries the draft back, so a refused save or an added step redraws the form as it was.
 */

const managing = {
  area: 'crm',
  permission: 'automations.manage',
  messages: {
    notFound: 'This automation no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to change the clinic’s automations.',
  },
} as const;

/**
 * The post around the draft: which button, which automation and version, and the draft's own
 * fields (`name`, `steps.0.kind`, …), read leniently by draftFromPost so nothing typed is lost on
 * the way back; the draft itself is checked with automationFormSchema. Every key is optional: a
 * post without one (an empty form) is a save of an empty draft, refused in words by that check.
 */
const builderPostSchema = z.looseObject({
  intent: z.unknown().optional(),
  automationId: z.unknown().optional(),
  expectedVersion: z.unknown().optional(),
  name: z.unknown().optional(),
  description: z.unknown().optional(),
  trigger: z.unknown().optional(),
  newStepKind: z.unknown().optional(),
  newFilterKind: z.unknown().optional(),
});

function problemsMessage(count: number): string {
  return count === 1 ? 'The automation was not saved: fix the problem marked below.' : `The automation was not saved: fix the ${count} problems marked below.`;
}

async function dryRun(ctx: StaffContext, draft: AutomationDraft, keep: BuilderState): Promise<BuilderState> {
  // A dry run needs no name yet: the steps are what it tries.
  const parsed = automationFormSchema.safeParse({ ...draft, name: draft.name.trim() === '' ? 'Dry run' : draft.name });
  if (!parsed.success) return { ...keep, ok: false, message: 'Fix the marked fields to try the automation.', fieldErrors: draftFieldErrors(parsed.error) };
  const db = getDb();
  const [events, zone] = await Promise.all([dryRunAutomation(db, ctx, inputOf({ ...draft, name: 'Dry run' })), clinicTimeZone(db, ctx.tenant.id)]);
  const when = clinicTimeFormatter(zone, now());
  const view: DryRunView = {
    trigger: triggerWords(parsed.data.trigger),
    events: events.map((e) => ({
      id: e.eventId, event: eventWords(e.eventName), when: when(e.occurredAt), patient: e.patientLabel, matched: e.matched, filteredOut: e.filteredOut,
      steps: e.steps.map((s) => ({
        index: s.index, description: s.description, outcome: s.outcome, when: when(s.at),
        text: s.outcome === 'wait' ? `Would wait until ${when(s.at)}.` : s.detail,
      })),
    })),
  };
  const message = events.length === 0
    ? `Nothing to try it on: the clinic has no “${view.trigger}” events yet.`
    : `Tried on the last ${events.length === 1 ? 'event' : `${events.length} events`} (times in ${zone}). Nothing was sent or changed.`;
  return { ...keep, ok: true, message, dryRun: view };
}

async function save(ctx: StaffContext, draft: AutomationDraft, automationId: string | null, keep: BuilderState): Promise<BuilderState> {
  const parsed = automationFormSchema.safeParse(draft);
  if (!parsed.success) {
    const fieldErrors = draftFieldErrors(parsed.error);
    return { ...keep, ok: false, message: problemsMessage(Object.keys(fieldErrors).length), fieldErrors };
  }
  if (automationId !== null && keep.expectedVersion === undefined) {
    return { ...keep, ok: false, message: 'Reload the page to edit the automation as it is now, then make your changes again.' };
  }
  let created: string;
  try {
    if (automationId !== null) {
      const saved = await updateAutomation(getDb(), ctx, automationId, inputOf(draft), keep.expectedVersion);
      refresh();
      return {
        ...keep, expectedVersion: saved.version, ok: true,
        message: `Saved as version ${saved.version}. Runs that start from now follow it; runs already under way finish with the version they started with.`,
      };
    }
    created = (await createAutomation(getDb(), ctx, inputOf(draft))).id;
  } catch (error) {
    if (error instanceof AutomationRuleError) return { ...keep, ok: false, message: problemsMessage(error.problems.length), problems: placeProblems(error.problems) };
    if (error instanceof RuleError && error.code === 'automation-stale') return { ...keep, ok: false, message: error.userMessage };
    throw error;
  }
  redirect(`/crm/automations/${created}?done=created`);
}

/** The builder's buttons (`intent`): save, dry run, and the draft's structural edits. */
export const automationBuilderAction = staffAction({ ...managing, schema: builderPostSchema }, async (ctx, post): Promise<BuilderState> => {
  if (postTooLong(post)) return { ok: false, message: 'A field is far longer than any automation needs. Shorten it and try again.' };
  const draft = draftFromPost(post);
  const automationId = typeof post.automationId === 'string' && post.automationId !== '' ? post.automationId : null;
  const keep: BuilderState = { draft, expectedVersion: postedVersion(post.expectedVersion) };
  const intent = typeof post.intent === 'string' ? post.intent : 'save';
  if (intent === 'dry-run') return dryRun(ctx, draft, keep);
  if (intent === 'save') return save(ctx, draft, automationId, keep);
  const edited = editDraft(draft, intent, post);
  if (!edited) return { ...keep, ok: false, message: 'That step or condition is no longer in the form. Check the form and try again.' };
  return { ...keep, draft: edited.draft, ok: true, message: edited.notice };
});

const STATUS_DONE = {
  active: 'Switched on: it acts on events from now on (not on earlier ones).',
  paused: 'Paused: it starts no new runs, and events while it is paused are not caught up later. Runs already under way carry on to their end.',
  draft: 'Back to draft: it starts no new runs until you switch it on again.',
} as const;

/** Switch on, pause, or back to draft. */
export const automationStatusAction = staffAction({ ...managing, schema: automationStatusSchema }, async (ctx, { automationId, status }): Promise<ActionState> => {
  try {
    await setAutomationStatus(getDb(), ctx, automationId, status);
  } catch (error) {
    if (error instanceof AutomationRuleError) return { ok: false, message: `It cannot be switched on yet. ${error.problems.join(' ')} Fix the automation, save it, then switch it on.` };
    throw error;
  }
  refresh();
  return { ok: true, message: STATUS_DONE[status] };
});
