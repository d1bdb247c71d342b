'use client';

import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { SecondaryButton, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { SegmentChoices } from '@/lib/engagement/segments/choices';
import type { SegmentFilter } from '@/lib/engagement/segments/filter';
import {
  BLANK_SLOT, createSegmentSchema, SEGMENT_FORM_LIMITS, SLOT_COUNT, SLOT_FIELDS, slotFromCondition, slotName, updateSegmentSchema,
  type BuilderKind, type SegmentCountState, type SlotValues,
} from '@/lib/engagement/segments/forms';
import { useActionForm } from '@/lib/forms/use-action-form';
import { ConditionFields } from './condition-fields';
import { LiveCount } from './live-count';

/**
 * A segment's form (CRM → Segments, new and edit): its name and note, the conditions (all must
 * hold) and the live count. Conditions are rows of React state, each posted in its own numbered
 * slot (lib/engagement/segments/forms.ts); a row keeps its slot while others come and go, so its
 * fields keep their names. The browser's check with the shared schema reads the slots from this
 * state. Without JavaScript the form shows the saved conditions and spare empty slots, every
 * slot with all its fields, and posts as a plain form.
 */

interface Row { slot: number; values: SlotValues }

const textareaClass = 'mt-1 control';
const SPARE_SLOTS_WITHOUT_JS = 2;
const noSubscription = () => () => undefined;

type Target = { mode: 'create' } | { mode: 'update'; segmentId: string };

/** The rows a refused plain form posted (its text fields; ticked boxes are not sent back). */
function postedRows(posted: Record<string, string>): Row[] {
  const rows: Row[] = [];
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const kind = posted[slotName(slot, 'kind')];
    if (!kind) continue;
    const text = (f: 'tag' | 'date' | 'amount' | 'min' | 'max') => posted[slotName(slot, f)] ?? BLANK_SLOT[f];
    const visit = posted[slotName(slot, 'visit')];
    rows.push({
      slot,
      values: {
        ...BLANK_SLOT, kind: kind as BuilderKind, tag: text('tag'), date: text('date'), amount: text('amount'), min: text('min'), max: text('max'),
        visit: (visit as SlotValues['visit']) || BLANK_SLOT.visit, unit: posted[slotName(slot, 'unit')] === 'days' ? 'days' : 'months',
      },
    });
  }
  return rows;
}

/** The slots' fields as the form posts them: every slot, empty ones blank. */
function slotValues(rows: readonly Row[]): Record<string, string | string[]> {
  const bySlot = new Map(rows.map((r) => [r.slot, r.values]));
  const values: Record<string, string | string[]> = {};
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const row = bySlot.get(slot) ?? BLANK_SLOT;
    for (const f of SLOT_FIELDS) values[slotName(slot, f)] = row[f];
  }
  return values;
}

/** What the live count is asked: the filled rows only. */
function countPayload(rows: readonly Row[]): Record<string, string | string[]> {
  const payload: Record<string, string | string[]> = {};
  for (const row of rows) {
    if (row.values.kind === '') continue;
    for (const f of SLOT_FIELDS) payload[slotName(row.slot, f)] = row.values[f];
  }
  return payload;
}

export function SegmentForm({ action, countAction, target, choices, values, initialCount, submitLabel }: {
  action: FormAction<ActionState>;
  countAction: (input: unknown) => Promise<SegmentCountState>;
  target: Target;
  choices: SegmentChoices;
  values: { name: string; description: string | null; filter: SegmentFilter };
  /** Patients the saved conditions take today (the clinic's patients for a new segment). */
  initialCount: number;
  submitLabel: string;
}) {
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const schema = target.mode === 'create' ? createSegmentSchema : updateSegmentSchema;
  const hidden = target.mode === 'update' ? { segmentId: target.segmentId } : {};
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action, {
    defaultValues: { ...hidden, name: values.name, description: values.description ?? '' } as never,
    resetAfterSubmit: false,
  });
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const posted = state.ok === false ? state.values : undefined;
  const [rows, setRows] = useState<Row[]>(() => {
    const saved = posted ? postedRows(posted) : values.filter.conditions.slice(0, SLOT_COUNT).map((c, slot) => ({ slot, values: slotFromCondition(c) }));
    return saved.length ? saved : [{ slot: 0, values: { ...BLANK_SLOT } }];
  });
  // A row just added: its first field takes the focus once it is drawn.
  const focusSlot = useRef<number | null>(null);

  // The rows are React state; the browser's check with the shared schema reads them from here.
  useEffect(() => {
    for (const [name, value] of Object.entries(slotValues(rows))) form.setValue(name as never, value as never);
    if (form.formState.isSubmitted) void form.trigger();
  }, [rows, form]);

  useEffect(() => {
    if (focusSlot.current === null) return;
    formRef.current?.querySelector<HTMLSelectElement>(`select[name="${slotName(focusSlot.current, 'kind')}"]`)?.focus();
    focusSlot.current = null;
  }, [rows]);

  const change = (slot: number, patch: Partial<SlotValues>) => setRows((all) => all.map((r) => (r.slot === slot ? { ...r, values: { ...r.values, ...patch } } : r)));
  const add = () => {
    const used = new Set(rows.map((r) => r.slot));
    const slot = Array.from({ length: SLOT_COUNT }, (_, i) => i).find((i) => !used.has(i));
    if (slot === undefined) return;
    focusSlot.current = slot;
    setRows((all) => [...all, { slot, values: { ...BLANK_SLOT } }]);
  };
  const remove = (slot: number) => {
    setRows((all) => all.filter((r) => r.slot !== slot));
    // The removed row took the focus with it: the place to add one again is where it goes.
    document.getElementById(`${id}-add`)?.focus();
  };

  // Without JavaScript: the rows, then empty slots to fill.
  const shown: Row[] = live ? rows : [
    ...rows,
    ...Array.from({ length: SLOT_COUNT }, (_, slot) => slot)
      .filter((slot) => !rows.some((r) => r.slot === slot))
      .slice(0, Math.max(0, Math.min(SLOT_COUNT, rows.length + SPARE_SLOTS_WITHOUT_JS) - rows.length))
      .map((slot) => ({ slot, values: { ...BLANK_SLOT } })),
  ];
  const descriptionError = errorFor('description');

  return (
    <form ref={formRef} {...formProps} className="space-y-6">
      {target.mode === 'update' ? <input type="hidden" name="segmentId" value={target.segmentId} /> : null}
      <datalist id={`${id}-tags`}>
        {choices.tags.map((t) => <option key={t} value={t} />)}
      </datalist>

      <section aria-labelledby={`${id}-about`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-about`} className="text-lg font-semibold">Name</h2>
        <TextField {...form.register('name' as never)} label="Name" hint="Staff see it when they choose who a campaign goes to." defaultValue={posted?.name ?? values.name}
          maxLength={SEGMENT_FORM_LIMITS.name} autoComplete="off" error={errorFor('name')} className="max-w-xl" />
        <div>
          <label htmlFor={`${id}-description`} className="block text-sm font-medium">Note for staff (optional)</label>
          <p id={`${id}-description-hint`} className="mt-0.5 text-sm text-fg-muted">What the segment is for. Up to {SEGMENT_FORM_LIMITS.description} characters.</p>
          <textarea id={`${id}-description`} {...form.register('description' as never)} defaultValue={posted?.description ?? values.description ?? ''} rows={2}
            maxLength={SEGMENT_FORM_LIMITS.description} aria-invalid={descriptionError ? true : undefined}
            aria-describedby={descriptionError ? `${id}-description-hint ${id}-description-error` : `${id}-description-hint`} className={textareaClass} />
          {descriptionError ? <p id={`${id}-description-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{descriptionError}</p> : null}
        </div>
      </section>

      <section aria-labelledby={`${id}-conditions`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
        <div>
          <h2 id={`${id}-conditions`} className="text-lg font-semibold">Who is in it</h2>
          <p className="mt-1 text-sm text-fg-muted">
            Patients who meet every condition. With none, every patient of the clinic. Visits are completed appointments; times ago are counted from the clinic’s today.
            {live ? null : ' Leave a condition’s first choice empty to leave it out.'}
          </p>
        </div>
        {shown.map((row, i) => (
          <ConditionFields
            key={row.slot} slot={row.slot} position={i + 1} values={row.values} live={live} choices={choices} tagListId={`${id}-tags`} errorFor={errorFor}
            onChange={(patch) => change(row.slot, patch)} onRemove={live ? () => remove(row.slot) : undefined}
          />
        ))}
        {live ? (
          <div className="flex flex-wrap items-center gap-3">
            <SecondaryButton id={`${id}-add`} type="button" onClick={add} disabled={rows.length >= SLOT_COUNT}>Add a condition</SecondaryButton>
            {rows.length >= SLOT_COUNT ? <p className="text-sm text-fg-muted">A segment has at most {SLOT_COUNT} conditions.</p> : null}
          </div>
        ) : null}
        <LiveCount payload={countPayload(rows)} countAction={countAction} initialCount={initialCount} live={live} />
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label={submitLabel} pendingLabel="Saving…" />
    </form>
  );
}
