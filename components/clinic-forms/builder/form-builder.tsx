'use client';

import Link from 'next/link';
import { useActionState, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { BuilderSaveState, BuilderStepState } from '@/lib/clinic-forms/builder-forms';
import { builderReducer, describePlace, FIELD_TYPE_LABELS, findField, initialBuilderState, placeOf } from '@/lib/clinic-forms/builder-state';
import { fieldTypes, flattenFields, type FieldType, type FormDefinition } from '@/lib/clinic-forms/definition';
import { definitionProblems } from '@/lib/clinic-forms/definition-schema';
import { controlId, FieldOutline, fieldName } from './field-outline';
import { FieldInspector } from './field-inspector';

// The CRM form builder (/crm/forms/[id]). The whole definition lives in one reducer
// (lib/clinic-forms/builder-state.ts); the save posts it as JSON in a hidden field with the
// revision it was loaded at, so a stale save is refused and the editor is offered a reload.

export interface BuilderProps {
  templateId: string;
  definition: FormDefinition;
  revision: number;
  publishedVersion: number | null;
  hasDraft: boolean;
  archived: boolean;
  save: FormAction<BuilderSaveState>;
  publish: FormAction<BuilderStepState>;
  discard: FormAction<BuilderStepState>;
}

const control = 'mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base text-fg focus:border-brand-accent focus:outline-none focus:ring-2 focus:ring-brand-accent';

export function FormBuilder(props: BuilderProps) {
  const [state, dispatch] = useReducer(builderReducer, props.definition, initialBuilderState);
  const { definition } = state;
  const homeActivity = definition.kind === 'home_activity';
  const problems = useMemo(() => definitionProblems(definition), [definition]);
  const [announcement, setAnnouncement] = useState('');
  const [newType, setNewType] = useState<FieldType>(homeActivity ? 'display' : 'short_text');
  const latest = useRef(definition);
  useEffect(() => {
    latest.current = definition;
  }, [definition]);

  // Save: the revision rides in the action's state, so a refused save keeps the last good one.
  const [saved, saveAction, saving] = useActionState<BuilderSaveState, FormData>(async (prev, form) => {
    const sent = String(form.get('definition'));
    const result = await props.save(prev, form);
    // Edits made while the save was on its way stay unsaved.
    if (result.ok && sent === JSON.stringify(latest.current)) dispatch({ type: 'saved' });
    return { ...result, revision: result.revision ?? prev.revision };
  }, { revision: props.revision });
  const revision = saved.revision ?? props.revision;
  const [published, publishAction, publishing] = useActionState(props.publish, {});
  const [discarded, discardAction, discarding] = useActionState(props.discard, {});
  const [confirmDiscard, setConfirmDiscard] = useState(false);

  // Focus follows a moved or added field, once, after the render that put it in its new place:
  // the same Move button when it can still be pressed, else the field itself.
  const focusTarget = useRef<{ linkId: string; prefer: 'up' | 'down' | 'select' } | null>(null);
  useEffect(() => {
    const target = focusTarget.current;
    if (!target) return;
    focusTarget.current = null;
    const preferred = document.getElementById(controlId(target.prefer, target.linkId)) as HTMLButtonElement | null;
    (preferred && !preferred.disabled ? preferred : document.getElementById(controlId('select', target.linkId)))?.focus();
  });

  const onMove = (linkId: string, direction: 'up' | 'down') => {
    const next = builderReducer(state, { type: 'move', linkId, direction });
    if (next === state) return;
    dispatch({ type: 'move', linkId, direction });
    setAnnouncement(`${fieldName(findField(next.definition.fields, linkId)!)} moved ${direction}: ${describePlace(next.definition, linkId)}.`);
    focusTarget.current = { linkId, prefer: direction };
  };

  const onRemove = (linkId: string) => {
    const name = fieldName(findField(definition.fields, linkId)!);
    const next = builderReducer(state, { type: 'remove', linkId });
    dispatch({ type: 'remove', linkId });
    setAnnouncement(`${name} removed.`);
    // The button pressed is gone: focus goes to the field now in its place.
    if (next.selected) focusTarget.current = { linkId: next.selected, prefer: 'select' };
    else document.getElementById('builder-new-type')?.focus();
  };

  const addField = (parent: string | null) => {
    const type = parent !== null && newType === 'section' ? 'short_text' : newType;
    const next = builderReducer(state, { type: 'add', fieldType: type, parent });
    if (next === state) return;
    dispatch({ type: 'add', fieldType: type, parent });
    setAnnouncement(`${FIELD_TYPE_LABELS[type]} field added, ${describePlace(next.definition, next.selected!)}.`);
    focusTarget.current = { linkId: next.selected!, prefer: 'select' };
  };

  const selected = state.selected ? findField(definition.fields, state.selected) : undefined;
  const selectedInSection = selected ? placeOf(definition.fields, selected.linkId)?.parent !== null : false;
  const disabled = props.archived;
  const canPublish = !disabled && !state.dirty && problems.length === 0 && definition.fields.length > 0 && (props.hasDraft || saved.ok === true);
  const problemIds = useMemo(() => new Set(problemFieldIds(definition, problems)), [definition, problems]);

  return (
    <div className="space-y-6">
      <p aria-live="polite" className="sr-only">{announcement}</p>

      <section aria-labelledby="builder-actions-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="builder-actions-heading" className="text-lg font-semibold">Save and publish</h2>
        <p className="mt-1 text-sm text-fg-muted">
          {state.dirty ? 'You have changes that are not saved.' : props.hasDraft || saved.ok ? 'The draft is saved.' : 'No unsaved changes.'}{' '}
          {props.publishedVersion === null ? 'This form has never been published.' : `Patients get version ${props.publishedVersion} until you publish again.`}
        </p>
        <div className="mt-3 flex flex-wrap items-start gap-3">
          <form action={saveAction}>
            <input type="hidden" name="templateId" value={props.templateId} />
            <input type="hidden" name="revision" value={revision} />
            <input type="hidden" name="definition" value={JSON.stringify(definition)} />
            <PrimaryButton type="submit" disabled={disabled || saving}>{saving ? 'Saving…' : 'Save draft'}</PrimaryButton>
          </form>
          <form action={publishAction}>
            <input type="hidden" name="templateId" value={props.templateId} />
            <input type="hidden" name="revision" value={revision} />
            <SecondaryButton type="submit" disabled={!canPublish || publishing} aria-describedby="publish-hint">{publishing ? 'Publishing…' : 'Publish'}</SecondaryButton>
          </form>
          {props.publishedVersion !== null && (props.hasDraft || saved.ok) ? (
            confirmDiscard ? (
              <form action={discardAction} className="flex flex-wrap items-center gap-2">
                <input type="hidden" name="templateId" value={props.templateId} />
                <span className="text-sm">Discard every change since version {props.publishedVersion}?</span>
                <SecondaryButton type="submit" disabled={discarding}>{discarding ? 'Discarding…' : 'Yes, discard'}</SecondaryButton>
                <SecondaryButton type="button" onClick={() => setConfirmDiscard(false)}>Keep them</SecondaryButton>
              </form>
            ) : (
              <SecondaryButton type="button" disabled={disabled} onClick={() => setConfirmDiscard(true)}>Discard changes</SecondaryButton>
            )
          ) : null}
          <Link href={`/crm/forms/${props.templateId}/preview`} className="inline-flex min-h-11 items-center rounded-lg px-2 underline underline-offset-2">Preview</Link>
        </div>
        <p id="publish-hint" className="mt-2 text-sm text-fg-muted">
          {state.dirty ? 'Save the draft before publishing; the preview shows the saved draft.' : problems.length ? 'Fix the problems below to publish.' : 'Publishing freezes this draft as the next version.'}
        </p>
        <div className="mt-3 space-y-2">
          {saved.stale ? (
            <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">
              {saved.message} <a href={`/crm/forms/${props.templateId}`} className="underline underline-offset-2">Reload the form</a>
            </p>
          ) : (
            <FormMessage message={saved.message} tone={saved.ok ? 'info' : 'error'} />
          )}
          <FormMessage message={published.message} tone={published.ok ? 'info' : 'error'} />
          <FormMessage message={discarded.message} tone={discarded.ok ? 'info' : 'error'} />
        </div>
      </section>

      <section aria-labelledby="problems-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="problems-heading" className="text-lg font-semibold">
          {problems.length ? `Problems to fix before publishing (${problems.length})` : 'No problems: this form can be published'}
        </h2>
        {problems.length ? (
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
            {problems.map((p, i) => <li key={i}>{p}</li>)}
          </ul>
        ) : null}
      </section>

      <fieldset disabled={disabled} className="space-y-6">
        <legend className="sr-only">Edit the form</legend>
        <section aria-labelledby="form-settings-heading" className="space-y-4 rounded-xl border border-line bg-surface p-5">
          <h2 id="form-settings-heading" className="text-lg font-semibold">Form</h2>
          <div>
            <label htmlFor="builder-title" className="block text-sm font-medium">Title</label>
            <input id="builder-title" className={control} maxLength={200} value={definition.title} onChange={(e) => dispatch({ type: 'meta', patch: { title: e.target.value } })} />
          </div>
          <div>
            <label htmlFor="builder-description" className="block text-sm font-medium">Introduction (optional)</label>
            <textarea id="builder-description" rows={2} maxLength={2000} className={control} value={definition.description ?? ''} onChange={(e) => dispatch({ type: 'meta', patch: { description: e.target.value || undefined } })} />
          </div>
          {homeActivity ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <div>
                <label htmlFor="builder-frequency" className="block text-sm font-medium">How often</label>
                <input id="builder-frequency" className={control} maxLength={200} placeholder="twice a day for 2 weeks" value={definition.frequency ?? ''} onChange={(e) => dispatch({ type: 'meta', patch: { frequency: e.target.value || undefined } })} />
              </div>
              <div>
                <label htmlFor="builder-days" className="block text-sm font-medium">Number of days the patient can mark done</label>
                <input
                  id="builder-days"
                  type="number"
                  min={1}
                  max={365}
                  className={control}
                  value={definition.days ?? ''}
                  onChange={(e) => {
                    const days = Number.parseInt(e.target.value, 10);
                    dispatch({ type: 'meta', patch: { days: Number.isFinite(days) ? Math.min(365, Math.max(1, days)) : undefined } });
                  }}
                />
              </div>
            </div>
          ) : null}
        </section>

        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
          <section aria-labelledby="fields-heading" className="space-y-4 rounded-xl border border-line bg-surface p-5">
            <h2 id="fields-heading" className="text-lg font-semibold">Fields</h2>
            <p className="text-sm text-fg-muted">Drag a field by its handle, or use Up and Down. A field reaching the edge of a section moves out of it; one meeting a section moves into it.</p>
            <FieldOutline
              definition={definition}
              selected={state.selected}
              disabled={disabled}
              dispatch={dispatch}
              onMove={onMove}
              onAddToSection={addField}
              onRemove={onRemove}
              problemIds={problemIds}
            />
            <div className="flex flex-wrap items-end gap-2 border-t border-line pt-4">
              <div>
                <label htmlFor="builder-new-type" className="block text-sm font-medium">New field type</label>
                <select id="builder-new-type" className={control} value={newType} onChange={(e) => setNewType(e.target.value as FieldType)}>
                  {(homeActivity ? (['display', 'section'] as const) : fieldTypes).map((t) => (
                    <option key={t} value={t}>{FIELD_TYPE_LABELS[t]}</option>
                  ))}
                </select>
              </div>
              <SecondaryButton type="button" onClick={() => addField(null)}>Add field at the end</SecondaryButton>
            </div>
          </section>

          <section aria-labelledby="inspector-heading" className="rounded-xl border border-line bg-surface p-5 lg:sticky lg:top-4 lg:self-start">
            <h2 id="inspector-heading" className="mb-3 text-lg font-semibold">Selected field</h2>
            {selected ? (
              <FieldInspector key={selected.linkId} definition={definition} field={selected} dispatch={dispatch} homeActivity={homeActivity} inSection={selectedInSection} />
            ) : (
              <p className="text-fg-muted">Choose a field in the list to change it.</p>
            )}
          </section>
        </div>
      </fieldset>
    </div>
  );
}

/** Fields a problem names (by label), so the outline can flag them. */
function problemFieldIds(definition: FormDefinition, problems: readonly string[]): string[] {
  if (!problems.length) return [];
  return flattenFields(definition.fields)
    .filter((f) => {
      const name = f.label.trim() || f.linkId;
      return problems.some((p) => p.includes(`“${name}”`));
    })
    .map((f) => f.linkId);
}
