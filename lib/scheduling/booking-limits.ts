/**
 * Limits the portal's booking forms show in their markup (maxLength), apart from the schemas in
 * booking-forms.ts so that a form can use them without loading zod on first paint. Browser-safe.
 */

export const CANCEL_REASON_MAX = 500;
