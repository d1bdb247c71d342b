import { intervalUnits, productKinds, productVisibilities, type IntervalUnit, type ProductKind, type ProductVisibility } from '@/db/schema/commerce';
import { parseMoney } from '@/lib/billing/money';
import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { isUuid } from '@/lib/kernel/ids';
import { hasControlCharacters, withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { PRODUCT_IMAGE_RULES } from './product-image-rules';

/**
 * The product form (CRM → Products), shared by the browser (useActionForm) and the server
 * actions. Browser-safe. A subscription's phases and the required uploads are posted as parallel
 * repeated fields, one value per row (`phasePrice`, `phaseUnit`, `phaseCount`, `phaseEnds`,
 * `phaseCycles`; `uploadId`, `uploadLabel`, `uploadTypeId`), so the table of rows works as a
 * plain form without JavaScript; rows left empty are skipped. Money is typed as text and read
 * in the currency the page was shown in (the hidden `currency`).
 */

export const PRODUCT_LIMITS = {
  name: 120,
  description: 4000,
  category: 60,
  phases: 10,
  uploads: 10,
  forms: 20,
  uploadLabel: 120,
  intervalCount: 365,
  cycles: 1000,
  position: 9999,
  /** The largest price, in minor units (the columns are 32-bit). */
  amount: 100_000_000,
} as const;

export const PRODUCT_KIND_LABELS: Record<ProductKind, string> = { one_time: 'One-time purchase', subscription: 'Subscription' };
export const PRODUCT_VISIBILITY_LABELS: Record<ProductVisibility, string> = { portal: 'In the portal shop', staff: 'Staff only' };
export const INTERVAL_UNIT_CHOICES: Record<IntervalUnit, string> = { day: 'Days', week: 'Weeks', month: 'Months', year: 'Years' };
export const PHASE_ENDS = ['cycles', 'forever'] as const;

/** One phase as lib/commerce/products.ts saves it (position is its row's place, from 0). */
export interface PhaseInput {
  position: number;
  unitAmount: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  cycles: number | null;
}

export interface UploadRequirementInput {
  /** The requirement kept (its id stays), or null for a new one. */
  id: string | null;
  label: string;
  documentTypeId: string | null;
}

export interface ProductInput {
  name: string;
  description: string;
  category: string | null;
  kind: ProductKind;
  unitAmount: number | null;
  phases: PhaseInput[];
  visibility: ProductVisibility;
  taxable: boolean;
  requiresShipping: boolean;
  position: number;
  imageAlt: string | null;
  requiredFormIds: string[];
  uploads: UploadRequirementInput[];
}

// ---------------------------------------------------------------------------------------------
// Field helpers, shared with the coupon and shop forms.

export const RELOAD = 'Reload the page and try again.';
export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

/** A checkbox group's ids: nothing ticked (absent, empty, react-hook-form's false) is none. */
export const idList = (v: unknown) => (v === undefined || v === null || v === '' || v === false ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]);

const CURRENCY_CODE = /^[A-Z]{3}$/;
export const currencyField = z.string({ error: RELOAD }).regex(CURRENCY_CODE, RELOAD);

/** parseMoney, or null when the code is not a currency Intl knows (an unknown code throws there). */
export function readMoney(value: string, code: string): number | null {
  if (!CURRENCY_CODE.test(code)) return null;
  try {
    return parseMoney(value, code);
  } catch {
    return null;
  }
}

export function requiredText(label: string, max: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    withoutControlChars(z.string({ error: `Enter the ${label}.` })).min(1, `Enter the ${label}.`).max(max, `Keep the ${label} to ${max} characters or fewer.`),
  );
}

export function optionalText(label: string, max: number) {
  return z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    withoutControlChars(z.string({ error: `Enter the ${label} as text.` })).trim().max(max, `Keep the ${label} to ${max} characters or fewer.`).nullable(),
  );
}

const WHOLE = /^\s*-?\d{1,9}\s*$/;

/** A whole number typed in a text field; blank is `blank` when given, else refused. */
export function wholeNumber(message: string, min: number, max: number, blank?: number) {
  return z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      if (value === undefined) return blank;
      return typeof value === 'string' && WHOLE.test(value) ? Number(value) : value;
    },
    z.number({ error: message }).int(message).min(min, message).max(max, message),
  );
}

/** A whole number typed in a text field, or null when left empty ("no limit"). */
export function optionalWholeNumber(message: string, min: number, max: number) {
  return z.preprocess(
    (v) => {
      const value = blankToUndefined(v);
      if (value === undefined) return null;
      return typeof value === 'string' && WHOLE.test(value) ? Number(value) : value;
    },
    z.number({ error: message }).int(message).min(min, message).max(max, message).nullable(),
  );
}

/** A repeated field as a list of strings (one posted value is a list of one). */
export function repeated(message: string, maxItems: number, maxLength: number) {
  return z.preprocess(
    (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string({ error: message }).max(maxLength, message), { error: message }).max(maxItems, message),
  );
}

const description = z.preprocess(
  (v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v.trim() : v),
  withoutControlChars(z.string({ error: 'Enter the description as text.' }))
    .max(PRODUCT_LIMITS.description, `Keep the description to ${PRODUCT_LIMITS.description.toLocaleString('en-US')} characters or fewer.`),
);

// ---------------------------------------------------------------------------------------------
// Rows: phases and uploads.

const PHASES_MESSAGE = 'Check the billing phases.';
const UPLOADS_MESSAGE = 'Check the uploads.';

const productFields = {
  currency: currencyField,
  name: requiredText('product name', PRODUCT_LIMITS.name),
  description,
  category: optionalText('category', PRODUCT_LIMITS.category),
  kind: z.enum(productKinds, { error: 'Choose a one-time purchase or a subscription.' }),
  price: z.preprocess((v) => (v === undefined || v === null ? '' : v), z.string({ error: 'Enter the price as an amount such as 120 or 120.50.' }).max(40, 'Enter the price as an amount such as 120 or 120.50.')),
  phasePrice: repeated(PHASES_MESSAGE, PRODUCT_LIMITS.phases * 2, 40),
  phaseUnit: repeated(PHASES_MESSAGE, PRODUCT_LIMITS.phases * 2, 10),
  phaseCount: repeated(PHASES_MESSAGE, PRODUCT_LIMITS.phases * 2, 10),
  phaseEnds: repeated(PHASES_MESSAGE, PRODUCT_LIMITS.phases * 2, 10),
  phaseCycles: repeated(PHASES_MESSAGE, PRODUCT_LIMITS.phases * 2, 10),
  visibility: z.enum(productVisibilities, { error: 'Choose whether patients see the product in the portal.' }),
  taxable: checkbox,
  requiresShipping: checkbox,
  position: wholeNumber(`Enter the position as a whole number from 0 to ${PRODUCT_LIMITS.position}; lower numbers come first.`, 0, PRODUCT_LIMITS.position, 0),
  imageAlt: optionalText('picture description', PRODUCT_IMAGE_RULES.altMax),
  // The file is read and checked by lib/commerce/product-images.ts (from its bytes).
  image: z.unknown().optional(),
  requiredFormIds: z.preprocess(
    idList,
    z.array(z.uuid({ error: 'Choose the forms from the list.' }), { error: 'Choose the forms from the list.' })
      .max(PRODUCT_LIMITS.forms, `A product can require at most ${PRODUCT_LIMITS.forms} forms.`),
  ),
  uploadId: repeated(UPLOADS_MESSAGE, PRODUCT_LIMITS.uploads * 2, 64),
  uploadLabel: repeated(UPLOADS_MESSAGE, PRODUCT_LIMITS.uploads * 2, PRODUCT_LIMITS.uploadLabel * 2),
  uploadTypeId: repeated(UPLOADS_MESSAGE, PRODUCT_LIMITS.uploads * 2, 64),
};

type ProductFields = z.output<z.ZodObject<typeof productFields>>;

/** What the phase rows say, read as the server reads them; `null` cycles is "until cancelled". */
export interface PhaseRow { price: string; unit: string; count: string; ends: string; cycles: string }

/** A phase row nothing was typed in (a spare row of the form). */
export function isBlankPhaseRow(row: PhaseRow): boolean {
  return row.price.trim() === '' && row.cycles.trim() === '';
}

/**
 * The posted phase rows as phases, or the first problem in words ("Phase 2: enter the price.").
 * Used by the schema's check, by productFromForm and by the form's live preview.
 */
export function readPhaseRows(rows: readonly PhaseRow[], currency: string): { phases: PhaseInput[] } | { error: string } {
  const phases: PhaseInput[] = [];
  const filled = rows.filter((r) => !isBlankPhaseRow(r));
  if (filled.length === 0) return { error: 'Add at least one billing phase with a price.' };
  if (filled.length > PRODUCT_LIMITS.phases) return { error: `A subscription can have at most ${PRODUCT_LIMITS.phases} phases.` };
  for (const [i, row] of filled.entries()) {
    const n = i + 1;
    const unitAmount = readMoney(row.price.trim(), currency);
    if (row.price.trim() === '' || unitAmount === null) return { error: `Phase ${n}: enter the price as an amount such as 99 or 99.50.` };
    if (unitAmount > PRODUCT_LIMITS.amount) return { error: `Phase ${n}: the price is more than a product can cost.` };
    if (!(intervalUnits as readonly string[]).includes(row.unit)) return { error: `Phase ${n}: choose days, weeks, months or years.` };
    const count = /^\d{1,3}$/.test(row.count.trim()) ? Number(row.count.trim()) : NaN;
    if (!(count >= 1 && count <= PRODUCT_LIMITS.intervalCount)) return { error: `Phase ${n}: enter how often it charges as a whole number from 1 to ${PRODUCT_LIMITS.intervalCount}.` };
    if (!(PHASE_ENDS as readonly string[]).includes(row.ends)) return { error: `Phase ${n}: choose a number of payments or “repeats until cancelled”.` };
    let cycles: number | null = null;
    if (row.ends === 'forever') {
      if (i !== filled.length - 1) return { error: `Phase ${n}: only the last phase can repeat until cancelled. Give this one a number of payments.` };
    } else {
      cycles = /^\d{1,4}$/.test(row.cycles.trim()) ? Number(row.cycles.trim()) : NaN;
      if (!(cycles >= 1 && cycles <= PRODUCT_LIMITS.cycles)) return { error: `Phase ${n}: enter the number of payments as a whole number from 1 to ${PRODUCT_LIMITS.cycles}.` };
    }
    phases.push({ position: i, unitAmount, intervalUnit: row.unit as IntervalUnit, intervalCount: count, cycles });
  }
  return { phases };
}

function phaseRowsOf(values: Pick<ProductFields, 'phasePrice' | 'phaseUnit' | 'phaseCount' | 'phaseEnds' | 'phaseCycles'>): PhaseRow[] {
  const n = Math.max(values.phasePrice.length, values.phaseUnit.length, values.phaseCount.length, values.phaseEnds.length, values.phaseCycles.length);
  return Array.from({ length: n }, (_, i) => ({
    price: values.phasePrice[i] ?? '', unit: values.phaseUnit[i] ?? 'month', count: values.phaseCount[i] ?? '1',
    ends: values.phaseEnds[i] ?? 'forever', cycles: values.phaseCycles[i] ?? '',
  }));
}

/** The posted upload rows, or the first problem in words. */
export function readUploadRows(values: Pick<ProductFields, 'uploadId' | 'uploadLabel' | 'uploadTypeId'>): { uploads: UploadRequirementInput[] } | { error: string } {
  const n = Math.max(values.uploadId.length, values.uploadLabel.length, values.uploadTypeId.length);
  const uploads: UploadRequirementInput[] = [];
  for (let i = 0; i < n; i++) {
    const id = values.uploadId[i]?.trim() ?? '';
    const label = values.uploadLabel[i]?.trim() ?? '';
    const typeId = values.uploadTypeId[i]?.trim() ?? '';
    if (!label && !typeId) continue;
    const k = uploads.length + 1;
    if (!label) return { error: `Upload ${k}: enter what the patient should upload, such as “Photo ID”.` };
    if (label.length > PRODUCT_LIMITS.uploadLabel) return { error: `Upload ${k}: keep the label to ${PRODUCT_LIMITS.uploadLabel} characters or fewer.` };
    if (hasControlCharacters(label)) return { error: `Upload ${k}: remove the invisible control characters from the label.` };
    if (typeId && !isUuid(typeId)) return { error: `Upload ${k}: choose the document type from the list.` };
    if (id && (!isUuid(id) || uploads.some((u) => u.id === id.toLowerCase()))) return { error: RELOAD };
    uploads.push({ id: id ? id.toLowerCase() : null, label, documentTypeId: typeId ? typeId.toLowerCase() : null });
  }
  if (uploads.length > PRODUCT_LIMITS.uploads) return { error: `A product can require at most ${PRODUCT_LIMITS.uploads} uploads.` };
  return { uploads };
}

function readPrice(values: Pick<ProductFields, 'price' | 'currency'>): number | string {
  const message = 'Enter the price as an amount such as 120 or 120.50.';
  if (values.price.trim() === '') return message;
  const amount = readMoney(values.price.trim(), values.currency);
  if (amount === null) return message;
  if (amount > PRODUCT_LIMITS.amount) return 'The price is more than a product can cost.';
  return amount;
}

function checkProduct(values: ProductFields, ctx: z.RefinementCtx) {
  if (values.kind === 'one_time') {
    const price = readPrice(values);
    if (typeof price === 'string') ctx.addIssue({ code: 'custom', path: ['price'], message: price });
  } else {
    const read = readPhaseRows(phaseRowsOf(values), values.currency);
    if ('error' in read) ctx.addIssue({ code: 'custom', path: ['phases'], message: read.error });
  }
  const uploads = readUploadRows(values);
  if ('error' in uploads) ctx.addIssue({ code: 'custom', path: ['uploads'], message: uploads.error });
}

export const createProductSchema = z.strictObject(productFields, STRICT_FORM).superRefine(checkProduct);
export const updateProductSchema = z.strictObject({
  productId: z.uuid({ error: 'This product no longer exists. Reload the page.' }),
  removeImage: checkbox,
  ...productFields,
}, STRICT_FORM).superRefine(checkProduct);

/** A parsed create or update form as lib/commerce/products.ts saves it. */
export function productFromForm(values: ProductFields): ProductInput {
  const uploads = readUploadRows(values);
  if ('error' in uploads) throw new Error('productFromForm: the form was not checked with its schema');
  let unitAmount: number | null = null;
  let phases: PhaseInput[] = [];
  if (values.kind === 'one_time') {
    const price = readPrice(values);
    if (typeof price === 'string') throw new Error('productFromForm: the form was not checked with its schema');
    unitAmount = price;
  } else {
    const read = readPhaseRows(phaseRowsOf(values), values.currency);
    if ('error' in read) throw new Error('productFromForm: the form was not checked with its schema');
    phases = read.phases;
  }
  return {
    name: values.name, description: values.description, category: values.category, kind: values.kind, unitAmount, phases,
    visibility: values.visibility, taxable: values.taxable, requiresShipping: values.requiresShipping, position: values.position,
    imageAlt: values.imageAlt, requiredFormIds: [...new Set(values.requiredFormIds.map((id) => id.toLowerCase()))], uploads: uploads.uploads,
  };
}

/** One-button forms on a product: archive, restore, delete. */
export const productIdSchema = z.strictObject({ productId: z.uuid({ error: 'This product no longer exists. Reload the page.' }) }, STRICT_FORM);

/** /crm/products?status=archived (a bad value is the default list, never an error). */
export const productListQuerySchema = z.object({
  status: z.preprocess((v) => (v === 'archived' ? 'archived' : 'active'), z.enum(['active', 'archived'])),
});
