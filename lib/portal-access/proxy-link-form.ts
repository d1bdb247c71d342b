import type { ProxyScope } from '@/db/schema';
import { ALLOWED_TYPES_LABEL, declaredTypeFor, formatBytes, isAllowedDocumentType, SERVER_ACTION_MAX_BYTES } from '@/lib/documents/file-rules';
import { z } from '@/lib/validation/zod';
import { FULL_PROXY_AREAS, LIMITED_AREAS, PORTAL_AREAS, type EffectiveScope, type PortalArea, type ProxyAgeRules } from './proxy-scope';

/**
 * The EMR's editor for one proxy link (issue 19 point 5): scope, dates and the signed consent.
 * Browser-safe: the form validates with this schema and the action parses the post with it.
 */

/** What each area means to staff, in the words of the portal's menus. */
export const PORTAL_AREA_LABELS: Record<PortalArea, string> = {
  bookings: 'Appointments (book, move, cancel, visit history)',
  messages: 'Messages with the clinic',
  billing: 'Bills, payments and saved cards',
  documents: 'Documents from the clinic, and uploads',
  forms: 'Forms and home activities',
  orders: 'Shop orders and subscriptions',
  records: 'Personal details and shared notes',
  access_log: 'Who viewed the record',
  export: 'Download a copy of the record',
};

export const PROXY_SCOPE_LABELS: Record<ProxyScope, string> = {
  full: 'Full access (everything but “who viewed the record”)',
  limited: 'Limited: appointments, messages and bills',
  custom: 'Custom: the parts ticked below',
};

/** The areas a scope grants before dates and age rules (proxy-scope.ts applies those). */
export function grantedAreas(scope: ProxyScope, areas: readonly string[]): PortalArea[] {
  if (scope === 'full') return [...FULL_PROXY_AREAS];
  if (scope === 'limited') return [...LIMITED_AREAS];
  return PORTAL_AREAS.filter((a) => areas.includes(a));
}

/**
 * Whether a change opens any area the link did not open before. Only then do the patient's own
 * say-so's (a teen's consent, an adult's renewed grant) lapse: they were given for the access
 * that existed, and cover any narrower one, so narrowing, new dates or new evidence keep them.
 */
export function widensScope(before: readonly PortalArea[], after: readonly PortalArea[]): boolean {
  return after.some((a) => !before.includes(a));
}

const SCOPES = ['full', 'limited', 'custom'] as const satisfies readonly ProxyScope[];
const PATIENT_GONE = 'This patient or portal account no longer exists. Reload the page.';
const EVIDENCE = 'Choose one of the patient’s documents, or none.';
const CHOOSE_TYPE = 'Choose a document type.';
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** An optional calendar date: '' or absent is none. */
function optionalDate(message: string) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === null || v === '') return null;
      const ok = typeof v === 'string' && isoDate.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v) && v >= '1900-01-01' && v <= '2199-12-31';
      if (!ok) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return v as string;
    });
}

/** A picked file: a browser FileList's first entry, or a posted File; an untouched input is none. */
export interface PickedFile { name: string; size: number; type: string; arrayBuffer(): Promise<ArrayBuffer> }
function pickedFile(value: unknown): PickedFile | null {
  const file = typeof value === 'object' && value !== null && 'length' in value && !('size' in value) ? (value as ArrayLike<unknown>)[0] : value;
  if (typeof file !== 'object' || file === null || !('size' in file) || !('name' in file) || !('arrayBuffer' in file)) return null;
  const f = file as PickedFile;
  return f.size === 0 && f.name === '' ? null : f;
}

// A checkbox group: one ticked box posts a string, several a list; the browser's form library gives false for none.
const listOf = (v: unknown) => (v === undefined || v === null || v === '' || v === false ? [] : Array.isArray(v) ? v : [v]);

export const proxyLinkSchema = z
  .object({
    patientId: z.uuid(PATIENT_GONE),
    accountId: z.uuid(PATIENT_GONE),
    scope: z.enum(SCOPES, 'Choose full, limited or custom access.'),
    areas: z.preprocess(listOf, z.array(z.enum(PORTAL_AREAS, 'Tick only the parts of the portal listed.'))),
    startsOn: optionalDate('Enter a valid start date, or leave it empty.'),
    endsOn: optionalDate('Enter a valid end date, or leave it empty.'),
    evidenceDocumentId: z
      .union([z.literal(''), z.uuid(EVIDENCE)], { error: EVIDENCE })
      .optional()
      .transform((v) => v || null),
    evidenceFile: z
      .unknown()
      .optional()
      .transform((value, ctx) => {
        const file = pickedFile(value);
        if (!file) return null;
        const problem = file.size === 0 ? `The file is empty. Choose a ${ALLOWED_TYPES_LABEL} file.`
          : file.size > SERVER_ACTION_MAX_BYTES
            ? `The file is ${formatBytes(file.size)}. Upload files over ${formatBytes(SERVER_ACTION_MAX_BYTES)} on the Documents tab, then choose it here.`
            : !isAllowedDocumentType(declaredTypeFor(file)) ? `Choose a ${ALLOWED_TYPES_LABEL} file.` : null;
        if (problem) {
          ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }
        return file;
      }),
    evidenceTypeId: z.union([z.literal(''), z.uuid(CHOOSE_TYPE)], { error: CHOOSE_TYPE }).optional().transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    if (v.scope === 'custom' && v.areas.length === 0) ctx.addIssue({ code: 'custom', path: ['areas'], message: 'Tick at least one part of the portal, or choose limited access.' });
    if (v.startsOn && v.endsOn && v.endsOn < v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'The end date must be on or after the start date.' });
    if (v.evidenceFile && !v.evidenceTypeId) ctx.addIssue({ code: 'custom', path: ['evidenceTypeId'], message: 'Choose the type the uploaded consent is filed under.' });
  });
export type ProxyLinkInput = z.output<typeof proxyLinkSchema>;
export type ProxyLinkFields = z.input<typeof proxyLinkSchema>;

/**
 * The link's state today for staff, e.g. "Limited: Leo is 12 and has not agreed to full access".
 * `age` is the patient's age on the clinic's today.
 */
export function describeProxyState(
  effective: EffectiveScope,
  link: { startsOn: string | null; endsOn: string | null },
  patient: { firstName: string; age: number },
  rules: ProxyAgeRules,
): { label: string; detail: string } {
  const name = patient.firstName;
  switch (effective.reason) {
    case 'self':
      return { label: 'Own account', detail: `${name}’s own account reaches everything.` };
    case 'not_started':
      return { label: 'Not started', detail: `The access starts on ${link.startsOn}.` };
    case 'ended':
      return { label: 'Ended', detail: `The access ended on ${link.endsOn}.` };
    case 'adult_ended':
      return { label: 'Ended', detail: `${name} is ${patient.age} (adult from ${rules.adultAge}) and has not granted access again in the portal.` };
    case 'teen_limited':
      return { label: 'Limited', detail: `${name} is ${patient.age} and has not agreed in the portal to more than appointments, messages and bills.` };
    case 'scope': {
      const all = effective.areas.length === FULL_PROXY_AREAS.length && FULL_PROXY_AREAS.every((a) => effective.areas.includes(a));
      return {
        label: all ? 'Full' : effective.areas.length === LIMITED_AREAS.length && LIMITED_AREAS.every((a) => effective.areas.includes(a)) ? 'Limited' : 'Custom',
        detail: `Reaches: ${effective.areas.map((a) => PORTAL_AREA_LABELS[a].toLowerCase()).join('; ')}.`,
      };
    }
  }
}
