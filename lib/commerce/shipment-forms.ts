import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { CARRIERS, normalizeTrackingNumber, SHIPMENT_IMPORT_LIMITS, SHIPMENT_STATUSES, trackingNumberProblem } from './tracking';

/**
 * The EMR's shipment forms (issue 17 point 6): a shipment added to an order, a shipment's status,
 * and the CSV import (preview, then apply). Shared by the browser and the server actions;
 * browser-safe. A tracking number is checked against its carrier's formats (tracking.ts) as it is
 * typed and again on the server.
 */

export const SHIPMENT_FORM_LIMITS = { note: 500 } as const;

const orderId = z.uuid('This order no longer exists. Reload the page.');
const shipmentId = z.uuid('This shipment no longer exists. Reload the page.');
const carrier = z.enum(CARRIERS, { error: 'Choose the carrier.' });

/** "Add shipment": the carrier and its tracking number (spaces dropped, upper case). */
export const addShipmentSchema = z.strictObject({
  orderId,
  carrier,
  trackingNumber: z.preprocess(
    (v) => (typeof v === 'string' ? normalizeTrackingNumber(v) : v),
    withoutControlChars(z.string({ error: 'Enter the tracking number.' })).min(1, 'Enter the tracking number.').max(60, 'A tracking number has 4 to 40 letters, digits and dashes.'),
  ),
}, STRICT_FORM).superRefine((v, ctx) => {
  // The object check runs even when a field failed: only a known carrier and a string are checked.
  if (typeof v.trackingNumber !== 'string' || !(CARRIERS as readonly unknown[]).includes(v.carrier)) return;
  const problem = trackingNumberProblem(v.carrier, v.trackingNumber);
  if (problem) ctx.addIssue({ code: 'custom', path: ['trackingNumber'], message: problem });
});
export type AddShipmentForm = z.output<typeof addShipmentSchema>;

/** "Update status": an exception needs a note saying what happened (staff only). */
export const shipmentStatusSchema = z.strictObject({
  shipmentId,
  status: z.enum(SHIPMENT_STATUSES, { error: 'Choose the shipment’s status.' }),
  note: z.preprocess(
    (v) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : v),
    withoutControlChars(z.string({ error: 'Enter the note as text.' })).trim()
      .max(SHIPMENT_FORM_LIMITS.note, `Keep the note to ${SHIPMENT_FORM_LIMITS.note} characters or fewer.`).nullable(),
  ),
}, STRICT_FORM).superRefine((v, ctx) => {
  if (v.status === 'exception' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say what went wrong with the shipment.' });
});
export type ShipmentStatusForm = z.output<typeof shipmentStatusSchema>;

const csvText = z.string({ error: 'Choose a CSV file or paste its lines.' })
  .max(SHIPMENT_IMPORT_LIMITS.bytes, `The file is too large: import at most ${SHIPMENT_IMPORT_LIMITS.rows} rows at a time.`)
  // NUL cannot reach Postgres or the page; other controls (tab, line ends) are CSV's own.
  .refine((v) => !v.includes('\u0000'), 'The file has characters that are not text. Save it as CSV (UTF-8) and try again.');

/**
 * "Preview": a CSV file or pasted lines. A file input left empty posts an empty file, which counts
 * as no file; pasted lines are used when no file is chosen.
 */
export const importPreviewSchema = z.strictObject({
  file: z.preprocess(
    (v) => (typeof File !== 'undefined' && v instanceof File && v.size === 0 ? undefined : v),
    z.instanceof(File, { error: 'Choose a CSV file.' })
      .refine((f) => f.size <= SHIPMENT_IMPORT_LIMITS.bytes, `The file is too large: import at most ${SHIPMENT_IMPORT_LIMITS.rows} rows at a time.`)
      .optional(),
  ),
  csv: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), csvText.optional()),
}, STRICT_FORM).superRefine((v, ctx) => {
  if (v.file === undefined && v.csv === undefined) ctx.addIssue({ code: 'custom', path: ['file'], message: 'Choose a CSV file or paste its lines.' });
});

/** "Import": the same text the preview showed, posted back from the page. */
export const importApplySchema = z.strictObject({
  csv: csvText.min(1, 'Preview the file first.'),
}, STRICT_FORM);
