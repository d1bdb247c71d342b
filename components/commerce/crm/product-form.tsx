'use client';

import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { CheckboxField, ChoiceCards, FieldError } from '@/components/crm/settings-fields';
import { RemoveRowCell, RowInput, rowCell as cell, RowSelect, RowsTable } from '@/components/ui/editable-rows';
import { SecondaryButton, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { IntervalUnit, ProductKind } from '@/db/schema/commerce';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { moneyInputValue } from '@/lib/billing/staff-forms';
import { describePhases } from '@/lib/commerce/phase-text';
import { PRODUCT_IMAGE_RULES } from '@/lib/commerce/product-image-rules';
import type { DocumentTypeChoice, FormChoice, ProductForEdit } from '@/lib/commerce/products';
import {
  createProductSchema, INTERVAL_UNIT_CHOICES, isBlankPhaseRow, PRODUCT_KIND_LABELS, PRODUCT_LIMITS, PRODUCT_VISIBILITY_LABELS, readPhaseRows,
  updateProductSchema, type PhaseRow,
} from '@/lib/commerce/product-forms';
import { formatBytes } from '@/lib/documents/file-rules';
import { useActionForm } from '@/lib/forms/use-action-form';

/**
 * A product's form (CRM → Products, new and edit). The subscription's phases and the required
 * uploads are tables of rows posted as parallel repeated fields (lib/commerce/product-forms.ts),
 * so the form works without JavaScript (spare empty rows are skipped, and both the one-time price
 * and the phases are shown; the server reads the one the kind asks for). With JavaScript, rows are
 * added and removed, only the chosen kind's prices show, and a sentence previews the phases as the
 * shop will say them.
 */

/** What the form shows of a product: the product as its edit page reads it, less what the form does not edit. */
export type ProductFormValues = Omit<ProductForEdit, 'id' | 'status' | 'orderCount' | 'liveSubscriptions'>;

export interface ProductFormChoices {
  forms: FormChoice[];
  documentTypes: DocumentTypeChoice[];
}

type Target = { mode: 'create' } | { mode: 'update'; productId: string; kindLocked: boolean; liveSubscriptions: number };

interface PhaseState extends PhaseRow { key: number }
interface UploadState { key: number; id: string; label: string; typeId: string }

const SPARE_ROWS_WITHOUT_JS = 2;
const textareaClass = 'mt-1 control';

const emptyPhase = (key: number): PhaseState => ({ key, price: '', unit: 'month', count: '1', ends: 'forever', cycles: '' });
const emptyUpload = (key: number): UploadState => ({ key, id: '', label: '', typeId: '' });

const NEW_PRODUCT: ProductFormValues = {
  name: '', description: '', category: null, kind: 'one_time', unitAmount: null, visibility: 'portal', taxable: true, requiresShipping: true,
  position: 0, imageUrl: null, imageAlt: null, phases: [], requiredFormIds: [], uploads: [],
};

const noSubscription = () => () => undefined;

export function ProductForm({
  action, target, currency, choices, values = NEW_PRODUCT, submitLabel,
}: {
  action: FormAction<ActionState>;
  target: Target;
  currency: string;
  choices: ProductFormChoices;
  values?: ProductFormValues;
  submitLabel: string;
}) {
  const id = useId();
  const schema = target.mode === 'create' ? createProductSchema : updateProductSchema;
  const hidden = target.mode === 'update' ? { productId: target.productId } : {};
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action, {
    defaultValues: { ...hidden, currency, kind: values.kind, visibility: values.visibility } as never,
    resetAfterSubmit: false,
  });
  // Without JavaScript (and until hydrated) both price sections show; once live, only the chosen kind's.
  const live = useSyncExternalStore(noSubscription, () => true, () => false);
  const [kind, setKind] = useState<ProductKind>(values.kind);
  const nextKey = useRef(100);
  const [phases, setPhases] = useState<PhaseState[]>(() => [
    ...values.phases.map((p, i) => ({
      key: i, price: moneyInputValue(p.unitAmount, currency), unit: p.intervalUnit, count: String(p.intervalCount),
      ends: p.cycles === null ? 'forever' : 'cycles', cycles: p.cycles === null ? '' : String(p.cycles),
    })),
    ...Array.from({ length: values.phases.length === 0 ? SPARE_ROWS_WITHOUT_JS : 1 }, (_, i) => emptyPhase(50 + i)),
  ]);
  const [uploads, setUploads] = useState<UploadState[]>(() => [
    ...values.uploads.map((u, i) => ({ key: i, id: u.id, label: u.label, typeId: u.documentTypeId ?? '' })),
    ...Array.from({ length: values.uploads.length === 0 ? SPARE_ROWS_WITHOUT_JS : 1 }, (_, i) => emptyUpload(50 + i)),
  ]);

  // The rows are React state; the browser's check with the shared schema reads them from here.
  useEffect(() => {
    form.setValue('phasePrice' as never, phases.map((p) => p.price) as never);
    form.setValue('phaseUnit' as never, phases.map((p) => p.unit) as never);
    form.setValue('phaseCount' as never, phases.map((p) => p.count) as never);
    form.setValue('phaseEnds' as never, phases.map((p) => p.ends) as never);
    form.setValue('phaseCycles' as never, phases.map((p) => p.cycles) as never);
    form.setValue('uploadId' as never, uploads.map((u) => u.id) as never);
    form.setValue('uploadLabel' as never, uploads.map((u) => u.label) as never);
    form.setValue('uploadTypeId' as never, uploads.map((u) => u.typeId) as never);
    if (form.formState.isSubmitted) void form.trigger(['phases', 'uploads'] as never);
  }, [phases, uploads, form]);

  const changePhase = (key: number, patch: Partial<PhaseRow>) => setPhases((all) => all.map((p) => (p.key === key ? { ...p, ...patch } : p)));
  const changeUpload = (key: number, patch: Partial<UploadState>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const filledPhases = phases.filter((p) => !isBlankPhaseRow(p));
  const preview = readPhaseRows(filledPhases, currency);
  const posted = state.ok === false ? state.values : undefined;
  const text = (name: string, saved: string) => posted?.[name] ?? saved;
  const phasesError = errorFor('phases') ?? errorFor('phasePrice') ?? errorFor('phaseUnit') ?? errorFor('phaseCount') ?? errorFor('phaseEnds') ?? errorFor('phaseCycles');
  const uploadsError = errorFor('uploads') ?? errorFor('uploadId') ?? errorFor('uploadLabel') ?? errorFor('uploadTypeId');
  const formsError = errorFor('requiredFormIds');
  const imageError = errorFor('image');
  const descriptionError = errorFor('description');
  const locked = target.mode === 'update' && target.kindLocked;
  const showOneTime = !live || kind === 'one_time';
  const showPhases = !live || kind === 'subscription';
  const selectableForms = choices.forms.filter((f) => !f.archived || values.requiredFormIds.includes(f.id));

  return (
    <form {...formProps} className="space-y-6">
      {target.mode === 'update' ? <input type="hidden" name="productId" value={target.productId} /> : null}
      <input type="hidden" name="currency" value={currency} />

      <section aria-labelledby={`${id}-about`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-about`} className="text-lg font-semibold">About the product</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField {...form.register('name' as never)} label="Name" defaultValue={text('name', values.name)} maxLength={PRODUCT_LIMITS.name} autoComplete="off" error={errorFor('name')} />
          <TextField {...form.register('category' as never)} label="Category (optional)" hint="Groups products in the shop, such as “Supplements”." defaultValue={text('category', values.category ?? '')} maxLength={PRODUCT_LIMITS.category} autoComplete="off" error={errorFor('category')} />
        </div>
        <div>
          <label htmlFor={`${id}-description`} className="block text-sm font-medium">Description</label>
          <p id={`${id}-description-hint`} className="mt-0.5 text-sm text-fg-muted">What patients read in the shop. Up to {PRODUCT_LIMITS.description.toLocaleString('en-US')} characters.</p>
          <textarea id={`${id}-description`} {...form.register('description' as never)} defaultValue={text('description', values.description)} rows={4} maxLength={PRODUCT_LIMITS.description}
            aria-invalid={descriptionError ? true : undefined} aria-describedby={descriptionError ? `${id}-description-hint ${id}-description-error` : `${id}-description-hint`} className={textareaClass} />
          <FieldError id={`${id}-description-error`} error={descriptionError} />
        </div>
        <ChoiceCards {...form.register('visibility' as never)} legend="Who sees it" defaultValue={text('visibility', values.visibility)} error={errorFor('visibility')}
          options={[
            { value: 'portal', label: PRODUCT_VISIBILITY_LABELS.portal, description: 'Patients and visitors can buy it in the portal’s shop while the shop is open.' },
            { value: 'staff', label: PRODUCT_VISIBILITY_LABELS.staff, description: 'Not in the shop: staff order it for a patient.' },
          ]} />
        <div className="grid gap-4 sm:grid-cols-2">
          <CheckboxField label="Taxable" name="taxable" defaultChecked={posted ? posted.taxable === 'on' : values.taxable} description="The clinic’s default tax rate (CRM → Billing) is added at checkout." error={errorFor('taxable')} />
          <CheckboxField label="Requires shipping" name="requiresShipping" defaultChecked={posted ? posted.requiresShipping === 'on' : values.requiresShipping} description="Checkout asks for a delivery address and staff add tracking." error={errorFor('requiresShipping')} />
        </div>
        <TextField {...form.register('position' as never)} label="Position in the shop" inputMode="numeric" className="max-w-xs" hint={`0–${PRODUCT_LIMITS.position}; lower numbers come first, then by name.`}
          defaultValue={text('position', String(values.position))} error={errorFor('position')} />
      </section>

      <section aria-labelledby={`${id}-picture`} className="space-y-4 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-picture`} className="text-lg font-semibold">Picture</h2>
        <div className="flex flex-wrap items-start gap-4">
          <div className="grid size-24 shrink-0 place-items-center overflow-hidden rounded-lg border border-line bg-surface-muted">
            {values.imageUrl ? (
              // eslint-disable-next-line @next/next/no-img-element -- uploaded pictures of any size, served by our own route
              <img src={values.imageUrl} alt={values.imageAlt ?? ''} className="max-h-24 max-w-24 object-contain" />
            ) : (
              <span className="text-xs text-fg-muted">No picture</span>
            )}
          </div>
          <div className="min-w-64 flex-1 space-y-3">
            <div>
              <label htmlFor={`${id}-image`} className="block text-sm font-medium">{values.imageUrl ? 'Replace the picture (optional)' : 'Picture (optional)'}</label>
              <p id={`${id}-image-hint`} className="mt-0.5 text-sm text-fg-muted">{PRODUCT_IMAGE_RULES.label}, up to {formatBytes(PRODUCT_IMAGE_RULES.maxBytes)}. Checked from its contents.</p>
              <input id={`${id}-image`} type="file" name="image" accept={PRODUCT_IMAGE_RULES.accept}
                aria-invalid={imageError ? true : undefined} aria-describedby={imageError ? `${id}-image-hint ${id}-image-error` : `${id}-image-hint`}
                className="mt-1 block text-sm file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-1.5" />
              <FieldError id={`${id}-image-error`} error={imageError} />
            </div>
            <TextField {...form.register('imageAlt' as never)} label="Describe the picture" hint="For people who cannot see it, such as “Bottle of 60 capsules”. Needed with a picture."
              defaultValue={text('imageAlt', values.imageAlt ?? '')} maxLength={PRODUCT_IMAGE_RULES.altMax} autoComplete="off" error={errorFor('imageAlt')} />
            {target.mode === 'update' && values.imageUrl ? (
              <CheckboxField label="Remove the picture" name="removeImage" defaultChecked={false} description="The shop shows the product without one." />
            ) : null}
          </div>
        </div>
      </section>

      <section aria-labelledby={`${id}-price`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <h2 id={`${id}-price`} className="text-lg font-semibold">Price</h2>
        {locked ? (
          <div>
            <input type="hidden" name="kind" value={values.kind} />
            <p className="text-sm font-medium">Kind</p>
            <p className="mt-1">{PRODUCT_KIND_LABELS[values.kind]}</p>
            <p className="mt-0.5 text-sm text-fg-muted">Fixed: this product has orders. Archive it and add a new product to sell it another way.</p>
            <FieldError id={`${id}-kind-error`} error={errorFor('kind')} />
          </div>
        ) : (
          <ChoiceCards
            {...form.register('kind' as never, { onChange: (e: { target: { value: string } }) => setKind(e.target.value as ProductKind) })}
            legend="Kind" defaultValue={values.kind} error={errorFor('kind')}
            options={[
              { value: 'one_time', label: PRODUCT_KIND_LABELS.one_time, description: 'Paid once at checkout.' },
              { value: 'subscription', label: PRODUCT_KIND_LABELS.subscription, description: 'Charged again every period on the saved card, in phases.' },
            ]} />
        )}

        {showOneTime ? (
          <div className="space-y-1">
            {!live ? <p className="text-sm text-fg-muted">For a one-time purchase:</p> : null}
            <TextField {...form.register('price' as never)} label={`Price (${currency})`} inputMode="decimal" className="max-w-xs" hint="Such as 25 or 25.50."
              defaultValue={text('price', values.unitAmount !== null ? moneyInputValue(values.unitAmount, currency) : '')} autoComplete="off" error={errorFor('price')} />
          </div>
        ) : null}

        <div hidden={!showPhases} className="space-y-3">
          {!live ? <p className="text-sm text-fg-muted">For a subscription: its billing phases, charged in order. Rows left empty are skipped.</p> : null}
          {target.mode === 'update' && target.liveSubscriptions > 0 ? (
            <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
              {target.liveSubscriptions === 1 ? '1 patient subscribes' : `${target.liveSubscriptions} patients subscribe`} to this product.
              Changing the phases changes their future renewals only: payments already made stay as they were.
            </p>
          ) : null}
          <RowsTable error={phasesError} errorId={`${id}-phases-error`} className="min-w-[44rem]"
            caption={<>Billing phases, in order. Prices in {currency}. Only the last phase can repeat until cancelled.</>}
            columns={[{ label: 'Phase', className: 'w-16' }, { label: 'Price', className: 'w-32' }, { label: 'Charged every' }, { label: 'Ends' }, { label: 'Payments', className: 'w-28' }]}>
            {phases.map((row, i) => {
              const n = i + 1;
              return (
                <tr key={row.key}>
                  <td className={`${cell} tabular-nums`}>{n}</td>
                  <td className={cell}>
                    <RowInput id={`${id}-${row.key}-price`} label={`Phase ${n} price`} name="phasePrice" value={row.price} inputMode="decimal" autoComplete="off"
                      onChange={(e) => changePhase(row.key, { price: e.target.value })} />
                  </td>
                  <td className={cell}>
                    <div className="flex gap-2">
                      <RowInput id={`${id}-${row.key}-count`} label={`Phase ${n}: how many`} name="phaseCount" value={row.count} inputMode="numeric" autoComplete="off" className="w-16"
                        onChange={(e) => changePhase(row.key, { count: e.target.value })} />
                      <RowSelect id={`${id}-${row.key}-unit`} label={`Phase ${n}: days, weeks, months or years`} name="phaseUnit" value={row.unit}
                        onChange={(e) => changePhase(row.key, { unit: e.target.value as IntervalUnit })}>
                        {Object.entries(INTERVAL_UNIT_CHOICES).map(([unit, label]) => <option key={unit} value={unit}>{label}</option>)}
                      </RowSelect>
                    </div>
                  </td>
                  <td className={cell}>
                    <RowSelect id={`${id}-${row.key}-ends`} label={`Phase ${n}: when it ends`} name="phaseEnds" value={row.ends} onChange={(e) => changePhase(row.key, { ends: e.target.value })}>
                      <option value="cycles">After a number of payments</option>
                      <option value="forever">Repeats until cancelled</option>
                    </RowSelect>
                  </td>
                  <td className={cell}>
                    <RowInput id={`${id}-${row.key}-cycles`} label={`Phase ${n}: number of payments`} name="phaseCycles" value={row.ends === 'forever' ? '' : row.cycles} inputMode="numeric" autoComplete="off"
                      disabled={live && row.ends === 'forever'} className="disabled:bg-surface-muted" onChange={(e) => changePhase(row.key, { cycles: e.target.value })} />
                    {live && row.ends === 'forever' ? <input type="hidden" name="phaseCycles" value="" /> : null}
                  </td>
                  <RemoveRowCell removable={phases.length > 1} label={`Remove phase ${n}`} onRemove={() => setPhases((all) => all.filter((p) => p.key !== row.key))} />
                </tr>
              );
            })}
          </RowsTable>
          <SecondaryButton type="button" onClick={() => setPhases((all) => [...all, emptyPhase(nextKey.current++)])} disabled={phases.length >= PRODUCT_LIMITS.phases}>Add phase</SecondaryButton>
          <p className="text-sm" aria-live="polite">
            <span className="font-medium">Patients read: </span>
            {'phases' in preview ? `${describePhases(preview.phases, currency)}.` : filledPhases.length === 0 ? 'add a phase with a price.' : 'finish the phases to see the sentence.'}
          </p>
        </div>
      </section>

      <section aria-labelledby={`${id}-requirements`} className="space-y-5 rounded-xl border border-line bg-surface p-5">
        <div>
          <h2 id={`${id}-requirements`} className="text-lg font-semibold">Requirements</h2>
          <p className="mt-1 text-sm text-fg-muted">What the patient completes right after paying. Forms are given to them in the portal; uploads are asked for there too.</p>
        </div>
        <fieldset aria-describedby={formsError ? `${id}-forms-error` : undefined}>
          <legend className="text-sm font-medium">Forms to complete</legend>
          {selectableForms.length === 0 ? (
            <p className="mt-1 text-sm text-fg-muted">The clinic has no published forms yet. Publish one in CRM → Forms to require it.</p>
          ) : (
            <ul className="mt-2 grid gap-2 sm:grid-cols-2">
              {selectableForms.map((f) => (
                <li key={f.id} className="flex items-start gap-2">
                  <input id={`${id}-form-${f.id}`} type="checkbox" name="requiredFormIds" value={f.id} defaultChecked={values.requiredFormIds.includes(f.id)} className="mt-1 size-4 shrink-0 accent-brand-accent" />
                  <label htmlFor={`${id}-form-${f.id}`}>{f.title}{f.archived ? <span className="text-fg-muted"> (archived: no longer asked for; untick to drop it)</span> : null}</label>
                </li>
              ))}
            </ul>
          )}
          <FieldError id={`${id}-forms-error`} error={formsError} />
        </fieldset>

        <div className="space-y-3">
          <p className="text-sm font-medium" id={`${id}-uploads-label`}>Uploads</p>
          <RowsTable error={uploadsError} errorId={`${id}-uploads-error`} className="min-w-[36rem]" labelledBy={`${id}-uploads-label`}
            columns={[{ label: 'What to upload' }, { label: 'Filed as (document type)' }]}>
            {uploads.map((row, i) => {
              const n = i + 1;
              const types = choices.documentTypes.filter((t) => t.active || t.id === row.typeId);
              return (
                <tr key={row.key}>
                  <td className={cell}>
                    <input type="hidden" name="uploadId" value={row.id} />
                    <RowInput id={`${id}-${row.key}-label`} label={`Upload ${n}: what to upload`} name="uploadLabel" value={row.label} maxLength={PRODUCT_LIMITS.uploadLabel} autoComplete="off" placeholder="Photo ID"
                      onChange={(e) => changeUpload(row.key, { label: e.target.value })} />
                  </td>
                  <td className={cell}>
                    <RowSelect id={`${id}-${row.key}-type`} label={`Upload ${n}: document type`} name="uploadTypeId" value={row.typeId} onChange={(e) => changeUpload(row.key, { typeId: e.target.value })}>
                      <option value="">Not set (staff choose when filing)</option>
                      {types.map((t) => <option key={t.id} value={t.id}>{t.name}{t.active ? '' : ' (inactive)'}</option>)}
                    </RowSelect>
                  </td>
                  <RemoveRowCell removable={uploads.length > 1} label={`Remove upload ${n}`} onRemove={() => setUploads((all) => all.filter((u) => u.key !== row.key))} />
                </tr>
              );
            })}
          </RowsTable>
          <SecondaryButton type="button" onClick={() => setUploads((all) => [...all, emptyUpload(nextKey.current++)])} disabled={uploads.length >= PRODUCT_LIMITS.uploads}>Add upload</SecondaryButton>
        </div>
      </section>

      <SubmitBelowAnswer state={state} pending={pending} label={submitLabel} pendingLabel="Saving…" />
    </form>
  );
}
