'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction, staffFormAction } from '@/lib/actions/wrappers';
import { addContactSchema, removeContactSchema } from '@/lib/patients/contact-schema';
import { addContact, removeContact } from '@/lib/patients/contacts';
import { ContactRuleError } from '@/lib/patients/errors';
import type { ContactFormState } from '@/lib/patients/form-state';

const editing = { area: 'emr', permission: 'patients.edit' } as const;

// The form posts the contact (contactInputSchema) and its patient's id.
export const addContactAction = staffAction(
  {
    ...editing,
    schema: addContactSchema,
    messages: { notFound: 'This patient or contact no longer exists.', forbidden: 'You don’t have permission to change contacts.' },
  },
  async (ctx, { patientId, ...contact }): Promise<ContactFormState> => {
    const result = await addContact(getDb(), ctx, patientId, contact);
    if (!result.ok) throw new ContactRuleError(result.field, result.message);
    revalidatePath(`/emr/patients/${patientId}/contacts`);
    return { ok: true, message: 'Contact added.' };
  },
);

export const removeContactAction = staffFormAction({ ...editing, schema: removeContactSchema }, async (ctx, { patientId, contactId }) => {
  await removeContact(getDb(), ctx, patientId, contactId);
  revalidatePath(`/emr/patients/${patientId}/contacts`);
});
