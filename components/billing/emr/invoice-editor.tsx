'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { RemoveRowCell, RowInput, rowCell as cell, RowSelect, RowsTable } from '@/components/ui/editable-rows';
import { SecondaryButton, SelectField, TextField } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { InvoiceLineKind } from '@/db/schema/billing';
import { createInvoiceSchema, INVOICE_LIMITS, INVOICE_LINE_KIND_LABELS, INVOICE_LINE_KINDS, updateInvoiceSchema } from '@/lib/billing/invoice-forms';
import { formatMoney, invoiceTotals, lineAmounts, MoneyError, parseMoney, type LineAmounts } from '@/lib/billing/money';
import { basisPointsToPercent, parsePercentToBasisPoints } from '@/lib/billing/settings-forms';
import { moneyInputValue } from '@/lib/billing/staff-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

/**
 * A draft invoice's form: its lines as a table of rows posted as parallel repeated fields
 * (lib/billing/invoice-forms.ts), so it works as a plain form without JavaScript (spare empty
 * rows are skipped). With JavaScript, lines are added and removed, a service fills the line's
 * description and price, and the totals follow as the person types (computed with money.ts,
 * as the server computes them when it saves).
 */

export interface EditorLine {
  kind: InvoiceLineKind;
  serviceId: string | null;
  description: string;
  quantity: number;
  unitAmount: number;
  discountAmount: number;
  taxRateBp: number;
}

export interface ServiceOption {
  id: string;
  name: string;
  /** Null: the service has no price (or one in another currency), so only its name is filled. */
  price: number | null;
}

interface Row {
  key: number;
  kind: string;
  serviceId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
}

const SPARE_ROWS_WITHOUT_JS = 3;

function rowOf(line: EditorLine, key: number, currency: string): Row {
  return {
    key, kind: line.kind, serviceId: line.serviceId ?? '', description: line.description, quantity: String(line.quantity),
    unitPrice: moneyInputValue(line.unitAmount, currency), discount: line.discountAmount ? moneyInputValue(line.discountAmount, currency) : '',
    taxRate: basisPointsToPercent(line.taxRateBp),
  };
}

const emptyRow = (key: number, taxRateBp: number): Row => ({
  key, kind: 'service', serviceId: '', description: '', quantity: '1', unitPrice: '', discount: '', taxRate: basisPointsToPercent(taxRateBp),
});

const isBlank = (r: Row) => !r.serviceId && !r.description.trim() && !r.unitPrice.trim() && !r.discount.trim();

/** A row's amounts as the server would compute them, or null while something is not a number yet. */
function previewOf(row: Row, currency: string): LineAmounts | null {
  if (isBlank(row)) return null;
  const quantity = row.quantity.trim() === '' ? 1 : /^\d{1,5}$/.test(row.quantity.trim()) ? Number(row.quantity.trim()) : NaN;
  const unitAmount = parseMoney(row.unitPrice, currency);
  const discountAmount = row.discount.trim() === '' ? 0 : parseMoney(row.discount, currency);
  const taxRateBp = parsePercentToBasisPoints(row.taxRate);
  if (!Number.isInteger(quantity) || unitAmount === null || discountAmount === null || taxRateBp === undefined) return null;
  try {
    return lineAmounts({ quantity, unitAmount, discountAmount, taxRateBp });
  } catch (error) {
    if (error instanceof MoneyError) return null;
    throw error;
  }
}

type Target = { mode: 'create'; patientId: string } | { mode: 'update'; invoiceId: string };

export function InvoiceEditor({
  action, target, currency, lines, services, locations, defaultTaxRateBp, values, submitLabel,
}: {
  action: FormAction<ActionState>;
  target: Target;
  currency: string;
  lines: readonly EditorLine[];
  services: readonly ServiceOption[];
  locations: readonly { id: string; name: string }[];
  defaultTaxRateBp: number;
  values: { dueDate: string | null; note: string | null; locationId: string | null };
  submitLabel: string;
}) {
  const id = useId();
  const nextKey = useRef(lines.length + SPARE_ROWS_WITHOUT_JS);
  const [rows, setRows] = useState<Row[]>(() => [
    ...lines.map((l, i) => rowOf(l, i, currency)),
    ...Array.from({ length: lines.length === 0 ? SPARE_ROWS_WITHOUT_JS : 1 }, (_, i) => emptyRow(lines.length + i, defaultTaxRateBp)),
  ]);
  const schema = target.mode === 'create' ? createInvoiceSchema : updateInvoiceSchema;
  const hidden = target.mode === 'create' ? { patientId: target.patientId } : { invoiceId: target.invoiceId };
  const { form, state, pending, formProps, errorFor } = useActionForm(schema, action, {
    defaultValues: { ...hidden, currency, dueDate: values.dueDate ?? '', note: values.note ?? '', locationId: values.locationId ?? '' },
    resetAfterSubmit: false,
  });

  // The rows are React state; the browser's check with the shared schema reads them from here.
  useEffect(() => {
    const column = (pick: (r: Row) => string) => rows.map(pick);
    form.setValue('lineKind' as never, column((r) => r.kind) as never);
    form.setValue('lineServiceId' as never, column((r) => r.serviceId) as never);
    form.setValue('lineDescription' as never, column((r) => r.description) as never);
    form.setValue('lineQuantity' as never, column((r) => r.quantity) as never);
    form.setValue('lineUnitPrice' as never, column((r) => r.unitPrice) as never);
    form.setValue('lineDiscount' as never, column((r) => r.discount) as never);
    form.setValue('lineTaxRate' as never, column((r) => r.taxRate) as never);
    if (form.formState.isSubmitted) void form.trigger('lines' as never);
  }, [rows, form]);

  const change = (key: number, patch: Partial<Row>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const chooseService = (key: number, serviceId: string) => {
    const service = services.find((s) => s.id === serviceId);
    change(key, service
      ? { serviceId, kind: 'service', description: service.name.slice(0, INVOICE_LIMITS.description), ...(service.price !== null ? { unitPrice: moneyInputValue(service.price, currency) } : {}) }
      : { serviceId: '' });
  };
  const addRow = () => setRows((all) => [...all, emptyRow(nextKey.current++, defaultTaxRateBp)]);
  const removeRow = (key: number) => setRows((all) => (all.length > 1 ? all.filter((r) => r.key !== key) : all));

  const previews = rows.map((r) => previewOf(r, currency));
  const counted = previews.filter((p): p is LineAmounts => p !== null);
  const totals = counted.length > 0 ? invoiceTotals(counted) : null;
  const incomplete = rows.some((r, i) => !isBlank(r) && previews[i] === null);
  const linesError = errorFor('lines');

  return (
    <form {...formProps} className="space-y-5">
      {target.mode === 'create' ? <input type="hidden" name="patientId" value={target.patientId} /> : <input type="hidden" name="invoiceId" value={target.invoiceId} />}
      <input type="hidden" name="currency" value={currency} />

      <div className="space-y-2">
        <RowsTable error={linesError} errorId={`${id}-lines-error`} className="min-w-[64rem]" caption={<>Invoice lines. Amounts in {currency}; rows left empty are skipped.</>}
          columns={[
            { label: 'Kind' }, { label: 'Service' }, { label: 'Description' }, { label: 'Quantity', className: 'w-20' }, { label: 'Unit price', className: 'w-28' },
            { label: 'Discount', className: 'w-28' }, { label: 'Tax %', className: 'w-20' }, { label: 'Line total', className: 'w-28 text-right' },
          ]}>
          {rows.map((row, i) => {
            const n = i + 1;
            const preview = previews[i];
            return (
              <tr key={row.key}>
                <td className={cell}>
                  <RowSelect id={`${id}-${row.key}-kind`} label={`Line ${n} kind`} name="lineKind" value={row.kind} onChange={(e) => change(row.key, { kind: e.target.value })} className="min-w-52">
                    {INVOICE_LINE_KINDS.map((k) => <option key={k} value={k}>{INVOICE_LINE_KIND_LABELS[k]}</option>)}
                  </RowSelect>
                </td>
                <td className={cell}>
                  <RowSelect id={`${id}-${row.key}-service`} label={`Line ${n} service`} name="lineServiceId" value={row.serviceId} onChange={(e) => chooseService(row.key, e.target.value)}>
                    <option value="">None</option>
                    {services.map((s) => <option key={s.id} value={s.id}>{s.name}{s.price !== null ? ` (${formatMoney(s.price, currency)})` : ''}</option>)}
                  </RowSelect>
                </td>
                <td className={cell}>
                  <RowInput id={`${id}-${row.key}-description`} label={`Line ${n} description`} name="lineDescription" value={row.description} maxLength={INVOICE_LIMITS.description} autoComplete="off"
                    onChange={(e) => change(row.key, { description: e.target.value })} />
                </td>
                <td className={cell}>
                  <RowInput id={`${id}-${row.key}-quantity`} label={`Line ${n} quantity`} name="lineQuantity" value={row.quantity} inputMode="numeric" autoComplete="off"
                    onChange={(e) => change(row.key, { quantity: e.target.value })} />
                </td>
                <td className={cell}>
                  <RowInput id={`${id}-${row.key}-price`} label={`Line ${n} unit price`} name="lineUnitPrice" value={row.unitPrice} inputMode="decimal" autoComplete="off"
                    onChange={(e) => change(row.key, { unitPrice: e.target.value })} />
                </td>
                <td className={cell}>
                  <RowInput id={`${id}-${row.key}-discount`} label={`Line ${n} discount`} name="lineDiscount" value={row.discount} inputMode="decimal" autoComplete="off"
                    onChange={(e) => change(row.key, { discount: e.target.value })} />
                </td>
                <td className={cell}>
                  <RowInput id={`${id}-${row.key}-tax`} label={`Line ${n} tax percent`} name="lineTaxRate" value={row.taxRate} inputMode="decimal" autoComplete="off"
                    onChange={(e) => change(row.key, { taxRate: e.target.value })} />
                </td>
                <td className={`${cell} text-right tabular-nums`}>{preview ? formatMoney(preview.total, currency) : '—'}</td>
                <RemoveRowCell removable={rows.length > 1} label={`Remove line ${n}`} onRemove={() => removeRow(row.key)} />
              </tr>
            );
          })}
        </RowsTable>
        <div>
          <SecondaryButton type="button" onClick={addRow}>Add line</SecondaryButton>
        </div>
      </div>

      <dl className="ml-auto grid max-w-xs grid-cols-2 gap-x-4 gap-y-1 text-sm" aria-live="polite">
        <dt className="text-fg-muted">Subtotal</dt><dd className="text-right tabular-nums">{totals ? formatMoney(totals.subtotal, currency) : '—'}</dd>
        <dt className="text-fg-muted">Discounts</dt><dd className="text-right tabular-nums">{totals ? (totals.discountTotal > 0 ? `−${formatMoney(totals.discountTotal, currency)}` : formatMoney(0, currency)) : '—'}</dd>
        <dt className="text-fg-muted">Tax</dt><dd className="text-right tabular-nums">{totals ? formatMoney(totals.taxTotal, currency) : '—'}</dd>
        <dt className="font-semibold">Total</dt><dd className="text-right font-semibold tabular-nums">{totals ? formatMoney(totals.total, currency) : '—'}</dd>
        {incomplete ? <dd className="col-span-2 text-fg-muted">A line with an amount that is not a number yet is left out.</dd> : null}
      </dl>

      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField label="Location" {...form.register('locationId' as never)} defaultValue={values.locationId ?? ''} error={errorFor('locationId')}>
          <option value="">No location</option>
          {locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
        </SelectField>
        <TextField type="date" label="Due date" hint="Empty: the clinic’s payment terms from the day it is sent." {...form.register('dueDate' as never)}
          defaultValue={values.dueDate ?? ''} error={errorFor('dueDate')} />
        <TextField label="Note (optional)" hint="Shown on the invoice." {...form.register('note' as never)} defaultValue={values.note ?? ''}
          maxLength={INVOICE_LIMITS.note} autoComplete="off" error={errorFor('note')} />
      </div>
      <SubmitBelowAnswer state={state} pending={pending} label={submitLabel} pendingLabel="Saving…" />
    </form>
  );
}
