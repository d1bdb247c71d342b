import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { FormPreview } from '@/components/clinic-forms/preview/form-preview';
import { Page } from '@/components/ui/page';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getTemplate } from '@/lib/clinic-forms/templates';

export const metadata: Metadata = { title: 'Form preview' };

export default async function FormPreviewPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('crm', 'forms.manage');
  const { id } = await params;
  let template;
  try {
    template = await getTemplate(getDb(), ctx, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const which = template.hasDraft ? 'the saved draft' : `version ${template.publishedVersion}`;
  return (
    <Page
      title={`Preview: ${template.title}`}
      above={
        <p className="text-sm">
          <Link href="/crm/forms" className="underline underline-offset-2">Forms</Link>
          {' / '}
          <Link href={`/crm/forms/${template.id}`} className="underline underline-offset-2">{template.title}</Link>
        </p>
      }
      description={`The form as the patient will see it, from ${which}. Changes not yet saved in the builder do not show here.`}
    >
      <FormPreview definition={template.definition} />
    </Page>
  );
}
