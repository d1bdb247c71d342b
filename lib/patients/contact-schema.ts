import type { RelationshipKind } from '@/db/schema';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { optionalEmail, optionalPhone } from './schemas';

/** The add-contact form's rules, shared by the EMR form (browser) and the server action. */

/** db/schema's relationship kinds, repeated so the browser needs no schema module. */
export const RELATIONSHIP_KINDS = ['parent', 'guardian', 'caregiver', 'spouse', 'child', 'other'] as const satisfies readonly RelationshipKind[];

const relationship = z.enum(RELATIONSHIP_KINDS, 'Choose the relationship.');

/** A contact is another patient of the clinic (by record number) or a person who is not one. */
export const contactInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('patient'),
    relationship,
    recordNumber: withoutControlChars(z.string({ error: 'Enter the record number of the contact.' })).trim().min(1, 'Enter the record number of the contact.').max(30, 'Record numbers are at most 30 characters.').transform((v) => v.toUpperCase()),
  }),
  z.object({
    kind: z.literal('person'),
    relationship,
    fullName: withoutControlChars(z.string({ error: 'Enter the contact’s name.' })).trim().min(1, 'Enter the contact’s name.').max(120, 'Keep the name to 120 characters or fewer.'),
    email: optionalEmail(),
    phone: optionalPhone('Enter a valid phone number.'),
  }),
], { error: 'Choose who the contact is.' });
export type ContactInput = z.output<typeof contactInputSchema>;

/** The add-contact form as posted: the patient's id (a hidden field) and the contact. */
export const addContactSchema = z
  .object({ patientId: z.unknown().optional().transform((v) => (typeof v === 'string' ? v : '')) })
  .and(contactInputSchema);

/** The remove button's hidden fields; anything else names no contact. */
export const removeContactSchema = z.object({
  patientId: z.uuid('This contact no longer exists.'),
  contactId: z.uuid('This contact no longer exists.'),
});
