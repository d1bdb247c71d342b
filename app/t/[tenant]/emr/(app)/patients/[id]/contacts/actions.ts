'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { addContact, contactInputSchema, removeContact } from '@/lib/patients/contacts';

export interface ContactFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
}

function failure(error: unknown): ContactFormState {
  if (error instanceof NotFoundError) return { ok: false, message: 'This patient or contact no longer exists.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to change contacts.' };
  throw error;
}

export async function addContactAction(_: ContactFormState, form: FormData): Promise<ContactFormState> {
  const ctx = await requireStaff('emr', 'patients.edit');
  const patientId = String(form.get('patientId') ?? '');
  const parsed = contactInputSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? 'kind')] ??= issue.message;
    return { ok: false, fieldErrors };
  }
  try {
    const result = await addContact(getDb(), ctx, patientId, parsed.data);
    if (!result.ok) return { ok: false, fieldErrors: { [result.field]: result.message } };
  } catch (error) {
    return failure(error);
  }
  revalidatePath(`/emr/patients/${patientId}/contacts`);
  return { ok: true, message: 'Contact added.' };
}

export async function removeContactAction(form: FormData): Promise<void> {
  const ctx = await requireStaff('emr', 'patients.edit');
  const parsed = z.object({ patientId: z.uuid(), contactId: z.uuid() }).safeParse({ patientId: form.get('patientId'), contactId: form.get('contactId') });
  if (!parsed.success) return;
  try {
    await removeContact(getDb(), ctx, parsed.data.patientId, parsed.data.contactId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  revalidatePath(`/emr/patients/${parsed.data.patientId}/contacts`);
}
