'use client';

import { useId } from 'react';
import { FieldError } from '@/components/crm/settings-fields';
import { SecondaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import type { Choice, SegmentChoices } from '@/lib/engagement/segments/choices';
import { LANGUAGE_LABELS, SEGMENT_LIMITS, VISIT_UNITS } from '@/lib/engagement/segments/filter';
import {
  BUILDER_KIND_LABELS, BUILDER_KINDS, slotName, VISIT_CHOICE_LABELS, VISIT_CHOICES, VISIT_UNIT_LABELS, type BuilderKind, type SlotField, type SlotValues,
} from '@/lib/engagement/segments/forms';
import { LOCALES } from '@/lib/i18n/core';

/**
 * One condition of the segment builder: what it tests, then that test's fields. With JavaScript
 * only the chosen kind's fields show; without it (and until the page is live) every group shows
 * under a legend saying which conditions read it, so the plain form can be filled in any slot.
 * The fields are controlled by the builder's state and carry the slot's names, so the browser
 * posts exactly what is shown.
 */

type Group = 'tag' | 'visit' | 'services' | 'locations' | 'age' | 'products' | 'languages';

const GROUP_OF: Record<BuilderKind, Group> = {
  has_tag: 'tag', lacks_tag: 'tag', last_visit: 'visit', service: 'services', location: 'locations', age: 'age',
  subscription: 'products', product: 'products', language: 'languages',
};

const GROUP_KINDS = (group: Group) => BUILDER_KINDS.filter((k) => GROUP_OF[k] === group).map((k) => `“${BUILDER_KIND_LABELS[k]}”`).join(' or ');

/** A group of fields; without JavaScript, inside a fieldset naming the conditions it is for. */
function FieldGroup({ group, live, children }: { group: Group; live: boolean; children: React.ReactNode }) {
  if (live) return <div className="space-y-3">{children}</div>;
  return (
    <fieldset className="space-y-3 rounded-md border border-dashed border-line p-3">
      <legend className="px-1 text-sm text-fg-muted">For {GROUP_KINDS(group)}</legend>
      {children}
    </fieldset>
  );
}

/** A checkbox group of the clinic's services, locations or products; retired ones say so. */
function ChoiceList({ legend, hint, name, options, selected, onChange, error, empty }: {
  legend: string;
  hint?: string;
  name: string;
  options: readonly Choice[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  error?: string;
  empty: string;
}) {
  const id = useId();
  // A saved choice since removed from the list stays visible, so it can be unticked.
  const shown = [...options, ...selected.filter((s) => !options.some((o) => o.id === s)).map((s) => ({ id: s, name: 'Removed from the clinic’s list', retired: true }))];
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset aria-describedby={describedBy}>
      <legend className="text-sm font-medium">{legend}</legend>
      {hint ? <p id={`${id}-hint`} className="mt-0.5 text-sm text-fg-muted">{hint}</p> : null}
      {shown.length === 0 ? (
        <p className="mt-1 text-sm text-fg-muted">{empty}</p>
      ) : (
        <ul className="mt-2 grid max-h-64 gap-2 overflow-y-auto sm:grid-cols-2">
          {shown.map((o) => (
            <li key={o.id} className="flex items-start gap-2">
              <input
                id={`${id}-${o.id}`} type="checkbox" name={name} value={o.id} checked={selected.includes(o.id)}
                onChange={(e) => onChange(e.target.checked ? [...selected, o.id] : selected.filter((s) => s !== o.id))}
                className="mt-1 size-4 shrink-0 accent-brand-accent"
              />
              <label htmlFor={`${id}-${o.id}`}>{o.name}{o.retired ? <span className="text-fg-muted"> (no longer offered)</span> : null}</label>
            </li>
          ))}
        </ul>
      )}
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}

export function ConditionFields({ slot, position, values, onChange, onRemove, live, choices, tagListId, errorFor }: {
  slot: number;
  /** 1-based, as the person reads it. */
  position: number;
  values: SlotValues;
  onChange: (patch: Partial<SlotValues>) => void;
  /** Absent without JavaScript (an empty slot is the way to leave one out). */
  onRemove?: () => void;
  live: boolean;
  choices: SegmentChoices;
  tagListId: string;
  errorFor: (name: string) => string | undefined;
}) {
  const name = (f: SlotField) => slotName(slot, f);
  const error = (f: SlotField) => errorFor(name(f));
  const show = (group: Group) => !live || (values.kind !== '' && GROUP_OF[values.kind] === group);
  const datedVisit = values.visit === 'since_date' || values.visit === 'before_date';

  return (
    <fieldset className="space-y-4 rounded-lg border border-line p-4">
      <legend className="px-1 font-semibold">Condition {position}</legend>
      <div className="flex flex-wrap items-end gap-3">
        <SelectField
          label="Patients who…" name={name('kind')} value={values.kind} error={error('kind')} className="min-w-64 flex-1"
          onChange={(e) => onChange({ kind: e.target.value as BuilderKind | '' })}
        >
          <option value="">{live ? 'Choose a condition' : 'No condition (left out)'}</option>
          {BUILDER_KINDS.map((k) => <option key={k} value={k}>{BUILDER_KIND_LABELS[k]}</option>)}
        </SelectField>
        {onRemove ? <SecondaryButton type="button" onClick={onRemove} aria-label={`Remove condition ${position}`}>Remove</SecondaryButton> : null}
      </div>

      {show('tag') ? (
        <FieldGroup group="tag" live={live}>
          <TextField
            label="Tag" name={name('tag')} value={values.tag} onChange={(e) => onChange({ tag: e.target.value })} list={tagListId} autoComplete="off" spellCheck={false}
            maxLength={40} hint="One of the clinic’s tags, such as vip: lower-case letters, digits and dashes." error={error('tag')} className="max-w-md"
          />
        </FieldGroup>
      ) : null}

      {show('visit') ? (
        <FieldGroup group="visit" live={live}>
          <div className="grid gap-3 sm:grid-cols-3">
            <SelectField label="The last completed visit…" name={name('visit')} value={values.visit} error={error('visit')} onChange={(e) => onChange({ visit: e.target.value as SlotValues['visit'] })}>
              {VISIT_CHOICES.map((v) => <option key={v} value={v}>{VISIT_CHOICE_LABELS[v]}</option>)}
            </SelectField>
            {!live || !datedVisit ? (
              <>
                <TextField
                  label={live ? 'How long' : 'How long (for “within” and “more than … ago”)'} name={name('amount')} value={values.amount} inputMode="numeric" autoComplete="off"
                  onChange={(e) => onChange({ amount: e.target.value })} error={error('amount')}
                  hint={`Up to ${SEGMENT_LIMITS.months} months or ${SEGMENT_LIMITS.days.toLocaleString('en-US')} days.`}
                />
                <SelectField label="Unit" name={name('unit')} value={values.unit} error={error('unit')} onChange={(e) => onChange({ unit: e.target.value as SlotValues['unit'] })}>
                  {VISIT_UNITS.map((u) => <option key={u} value={u}>{VISIT_UNIT_LABELS[u]}</option>)}
                </SelectField>
              </>
            ) : null}
            {!live || datedVisit ? (
              <TextField
                type="date" label={live ? 'Date' : 'Date (for “on or after” and “before”)'} name={name('date')} value={values.date}
                onChange={(e) => onChange({ date: e.target.value })} error={error('date')} hint="A day in the clinic’s calendar."
              />
            ) : null}
          </div>
        </FieldGroup>
      ) : null}

      {show('services') ? (
        <FieldGroup group="services" live={live}>
          <ChoiceList legend="Services (any of these)" name={name('serviceIds')} options={choices.services} selected={values.serviceIds}
            onChange={(serviceIds) => onChange({ serviceIds })} error={error('serviceIds')} empty="The clinic has no services yet." hint="A completed visit for one of them." />
        </FieldGroup>
      ) : null}

      {show('locations') ? (
        <FieldGroup group="locations" live={live}>
          <ChoiceList legend="Locations (any of these)" name={name('locationIds')} options={choices.locations} selected={values.locationIds}
            onChange={(locationIds) => onChange({ locationIds })} error={error('locationIds')} empty="The clinic has no locations yet." hint="A completed visit at one of them." />
        </FieldGroup>
      ) : null}

      {show('age') ? (
        <FieldGroup group="age" live={live}>
          <div className="grid max-w-md gap-3 sm:grid-cols-2">
            <TextField label="From age (optional)" name={name('min')} value={values.min} inputMode="numeric" autoComplete="off" onChange={(e) => onChange({ min: e.target.value })} error={error('min')} hint="Whole years, on the clinic’s today." />
            <TextField label="To age (optional)" name={name('max')} value={values.max} inputMode="numeric" autoComplete="off" onChange={(e) => onChange({ max: e.target.value })} error={error('max')} hint="Included: “to 40” takes 40-year-olds." />
          </div>
        </FieldGroup>
      ) : null}

      {show('products') ? (
        <FieldGroup group="products" live={live}>
          <ChoiceList
            legend={values.kind === 'subscription' ? 'Subscribed to (optional)' : 'Products (any of these)'} name={name('productIds')} options={choices.products} selected={values.productIds}
            onChange={(productIds) => onChange({ productIds })} error={error('productIds')} empty="The clinic has no products yet."
            hint={values.kind === 'subscription' ? 'None ticked: a subscription to anything.' : live ? 'In a paid order that was not refunded.' : 'For a subscription, none ticked means any product; for a purchase, a paid order that was not refunded.'}
          />
        </FieldGroup>
      ) : null}

      {show('languages') ? (
        <FieldGroup group="languages" live={live}>
          <ChoiceList legend="Preferred language (any of these)" name={name('languages')} options={LOCALES.map((l) => ({ id: l, name: LANGUAGE_LABELS[l], retired: false }))}
            selected={values.languages} onChange={(languages) => onChange({ languages })} error={error('languages')} empty="" />
        </FieldGroup>
      ) : null}
    </fieldset>
  );
}
