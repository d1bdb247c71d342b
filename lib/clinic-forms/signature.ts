import 'server-only';
import { createHash } from 'node:crypto';
import type { PortalRelationship, SignerRole } from '@/db/schema';
import { CONTROL_CHARACTERS } from '@/lib/validation/text';
import type { FormDefinition, FormField } from './definition';
import type { SignatureProblem } from './fill-rules';
import type { ResponseItem } from './response-items';

// Signatures on a submitted form (issue 15 point 6): the typed name, a drawn PNG or the typed
// name alone (the keyboard alternative), who signs, and a SHA-256 of exactly what was signed —
// the consent statement shown, the answers as stored and the form version — over one canonical
// JSON text, so the same content always gives the same hash, whoever recomputes it.

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785), no whitespace, undefined
 * members left out, arrays in their order. Refuses what JSON cannot say exactly (NaN, Infinity,
 * functions, bigints), so a hash never covers a value that would read back differently.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: a number must be finite');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

export interface SignedContent {
  consentText: string;
  items: readonly ResponseItem[];
  versionId: string;
}

/** SHA-256 (hex) of the canonical JSON of what a signature covers. */
export function signatureContentHash(content: SignedContent): string {
  return createHash('sha256').update(canonicalJson({ consentText: content.consentText, items: content.items, versionId: content.versionId }), 'utf8').digest('hex');
}

/**
 * The consent statement a signature field shows: the display text right before it (in the same
 * section, back to the previous question) and the field's own label, in reading order.
 */
export function consentTextFor(definition: FormDefinition, linkId: string): string {
  const find = (fields: readonly FormField[]): string | null => {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.linkId === linkId) {
        const before: string[] = [];
        for (let j = i - 1; j >= 0 && fields[j]!.type === 'display'; j--) before.unshift(fields[j]!.label);
        return [...before, field.label].join('\n\n');
      }
      if (field.fields) {
        const inner = find(field.fields);
        if (inner !== null) return inner;
      }
    }
    return null;
  };
  return find(definition.fields) ?? '';
}

/** Who signs by default: the patient for their own account, a parent or guardian for a child, else a representative. */
export function defaultSignerRole(relationship: PortalRelationship): SignerRole {
  if (relationship === 'self') return 'patient';
  if (relationship === 'parent' || relationship === 'guardian') return 'guardian';
  return 'representative';
}

/** The form_signatures check: at most this much base64 text for a drawing. */
export const MAX_DRAWING_BASE64 = 300_000;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A drawn signature as posted (a `data:image/png;base64,…` URL or bare base64), as the base64 of
 * a PNG, or null when it is not one or is too large. Only PNG bytes are kept: the PDF embeds them.
 */
export function drawingPngBase64(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const base64 = raw.trim().replace(/^data:image\/png;base64,/, '');
  if (base64.length === 0 || base64.length > MAX_DRAWING_BASE64 || base64.length % 4 !== 0 || !BASE64.test(base64)) return null;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 64 || !bytes.subarray(0, 8).equals(PNG_MAGIC)) return null;
  return base64;
}

export interface SignatureInput {
  name: string;
  role: SignerRole;
  /** The PNG as base64, or null: the typed name alone is the signature. */
  drawingPng: string | null;
}

const SIGNER_ROLES: readonly SignerRole[] = ['patient', 'guardian', 'representative'];

/** One posted signature, checked: a name of 2–200 characters, a known role, an optional PNG. */
export function readSignature(raw: { name?: unknown; role?: unknown; drawing?: unknown }): { value: SignatureInput } | { problem: SignatureProblem } {
  const name = typeof raw.name === 'string' ? raw.name.normalize('NFC').replace(/\s+/g, ' ').trim() : '';
  if ([...name].length < 2 || [...name].length > 200 || CONTROL_CHARACTERS.test(name)) return { problem: 'signature_name' };
  const role = SIGNER_ROLES.find((r) => r === raw.role);
  if (!role) return { problem: 'signature_role' };
  const drawing = typeof raw.drawing === 'string' && raw.drawing.trim() !== '' ? drawingPngBase64(raw.drawing) : null;
  if (typeof raw.drawing === 'string' && raw.drawing.trim() !== '' && drawing === null) return { problem: 'signature_drawing' };
  return { value: { name, role, drawingPng: drawing } };
}
