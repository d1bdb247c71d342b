'use client';

import { useState, type DragEvent } from 'react';
import { FIELD_TYPE_LABELS, placeOf, stepPlace, type BuilderAction, type Place } from '@/lib/clinic-forms/builder-state';
import type { FormDefinition, FormField } from '@/lib/clinic-forms/definition';
import { ArrowDown, ArrowUp } from 'lucide-react';

// The form's fields in order, sections with their fields inside. Each row can be picked for the
// inspector, moved with its Move up / Move down buttons (the keyboard way) or dragged to a new
// place (the pointer way); both dispatch a move of the same field, never a delete and re-add.

const small = 'rounded-md border border-line px-2 py-1 text-sm font-medium hover:bg-surface-muted disabled:cursor-not-allowed disabled:text-fg-muted';

/** The id of a row's control, so focus can follow a moved field. */
export const controlId = (kind: 'select' | 'up' | 'down', linkId: string) => `builder-${kind}-${linkId}`;

export function fieldName(field: FormField): string {
  const label = field.label.trim().split('\n')[0]!;
  if (!label) return `Untitled ${FIELD_TYPE_LABELS[field.type].toLowerCase()}`;
  return label.length > 60 ? `${label.slice(0, 57)}…` : label;
}

interface OutlineProps {
  definition: FormDefinition;
  selected: string | null;
  disabled: boolean;
  dispatch: (action: BuilderAction) => void;
  onMove: (linkId: string, direction: 'up' | 'down') => void;
  onAddToSection: (section: string) => void;
  onRemove: (linkId: string) => void;
  problemIds: ReadonlySet<string>;
}

export function FieldOutline(props: OutlineProps) {
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropAt, setDropAt] = useState<{ linkId: string; after: boolean } | null>(null);

  const dropPlace = (target: string, after: boolean): Place | null => {
    if (!dragging || dragging === target) return null;
    const place = placeOf(props.definition.fields, target);
    const from = placeOf(props.definition.fields, dragging);
    if (!place || !from) return null;
    let index = place.index + (after ? 1 : 0);
    // moveTo counts the index once the dragged field is out of its list.
    if (from.parent === place.parent && from.index < index) index -= 1;
    return { parent: place.parent, index };
  };

  const rowDrag = (field: FormField) => ({
    onDragOver: (event: DragEvent) => {
      if (!dragging) return;
      event.preventDefault();
      event.stopPropagation();
      const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
      setDropAt({ linkId: field.linkId, after: event.clientY > box.top + box.height / 2 });
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      event.stopPropagation();
      const to = dropAt ? dropPlace(dropAt.linkId, dropAt.after) : null;
      if (dragging && to) props.dispatch({ type: 'moveTo', linkId: dragging, to });
      setDragging(null);
      setDropAt(null);
    },
  });

  const dropIntoSection = (section: string) => ({
    onDragOver: (event: DragEvent) => {
      if (!dragging) return;
      event.preventDefault();
      event.stopPropagation();
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      event.stopPropagation();
      if (dragging) props.dispatch({ type: 'moveTo', linkId: dragging, to: { parent: section, index: 0 } });
      setDragging(null);
      setDropAt(null);
    },
  });

  const renderList = (fields: readonly FormField[], depth: number) => (
    <ol className={depth ? 'mt-2 space-y-2 border-l-2 border-line pl-3' : 'space-y-2'}>
      {fields.map((field) => {
        const marker = dropAt?.linkId === field.linkId ? (dropAt.after ? 'border-b-4 border-b-brand-accent' : 'border-t-4 border-t-brand-accent') : '';
        const isSelected = props.selected === field.linkId;
        return (
          <li
            key={field.linkId}
            {...rowDrag(field)}
            className={`rounded-lg border bg-surface p-2 ${isSelected ? 'border-brand-accent ring-2 ring-brand-accent/40' : 'border-line'} ${marker} ${dragging === field.linkId ? 'opacity-50' : ''}`}
          >
            <div className="flex flex-wrap items-center gap-2">
              <span
                draggable={!props.disabled}
                onDragStart={(event) => {
                  event.dataTransfer.effectAllowed = 'move';
                  event.dataTransfer.setData('text/plain', field.linkId);
                  setDragging(field.linkId);
                }}
                onDragEnd={() => {
                  setDragging(null);
                  setDropAt(null);
                }}
                // A pointer affordance only: keyboard users have the Move buttons.
                aria-hidden="true"
                title="Drag to move"
                className="cursor-grab select-none px-1 text-fg-muted"
              >
                ⠿
              </span>
              <button
                id={controlId('select', field.linkId)}
                type="button"
                aria-pressed={isSelected}
                onClick={() => props.dispatch({ type: 'select', linkId: field.linkId })}
                className="min-w-0 flex-1 text-left"
              >
                <span className="block truncate font-medium">
                  {fieldName(field)}
                  {field.required ? <span className="text-red-700 dark:text-red-300"> *<span className="sr-only"> (required)</span></span> : null}
                </span>
                <span className="block text-xs text-fg-muted">
                  {FIELD_TYPE_LABELS[field.type]}
                  {field.showWhen ? ' · conditional' : ''}
                  {field.recordField ? ' · feeds the record' : ''}
                  {props.problemIds.has(field.linkId) ? ' · needs attention' : ''}
                </span>
              </button>
              <MoveButtons {...props} field={field} />
              <button
                type="button"
                disabled={props.disabled}
                onClick={() => props.onRemove(field.linkId)}
                aria-label={`Remove ${fieldName(field)}${field.type === 'section' ? ' and the fields in it' : ''}`}
                className={`${small} text-red-800 dark:text-red-300`}
              >
                Remove
              </button>
            </div>
            {field.type === 'section' ? (
              <div>
                {field.fields?.length ? renderList(field.fields, depth + 1) : (
                  <p {...dropIntoSection(field.linkId)} className="mt-2 rounded-md border border-dashed border-line p-3 text-sm text-fg-muted">
                    Empty section: add a field to it, or drag one here.
                  </p>
                )}
                <button type="button" disabled={props.disabled} onClick={() => props.onAddToSection(field.linkId)} className={`${small} mt-2`}>
                  Add a field to “{fieldName(field)}”
                </button>
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );

  if (props.definition.fields.length === 0) return <p className="text-fg-muted">No fields yet. Add the first one below.</p>;
  return renderList(props.definition.fields, 0);
}

function MoveButtons({ field, definition, disabled, onMove }: OutlineProps & { field: FormField }) {
  const name = fieldName(field);
  return (
    <span className="flex gap-1">
      <button
        id={controlId('up', field.linkId)}
        type="button"
        disabled={disabled || !stepPlace(definition, field.linkId, 'up')}
        onClick={() => onMove(field.linkId, 'up')}
        aria-label={`Move ${name} up`}
        className={small}
      >
        <ArrowUp aria-hidden className="inline size-4 align-[-0.125em]" />{' '}Up
      </button>
      <button
        id={controlId('down', field.linkId)}
        type="button"
        disabled={disabled || !stepPlace(definition, field.linkId, 'down')}
        onClick={() => onMove(field.linkId, 'down')}
        aria-label={`Move ${name} down`}
        className={small}
      >
        <ArrowDown aria-hidden className="inline size-4 align-[-0.125em]" />{' '}Down
      </button>
    </span>
  );
}
