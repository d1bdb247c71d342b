import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { DocumentLinks } from '@/components/portal/document-links';
import { DocumentSearchForm, type DocumentSearchValues } from '@/components/portal/document-search-form';
import { EmptyState } from '@/components/portal/empty-state';
import { formatCalendarDate } from '@/components/portal/format-date';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { formatBytes } from '@/lib/documents/upload-rules';
import { listPortalDocumentTypes } from '@/lib/portal/document-types';

export const metadata: Metadata = { title: 'Documents' };

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)));
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
// Every parameter is optional and a bad one is dropped, never an error page: URLs get mangled.
const searchSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(100).catch('')).default(''),
  type: z.preprocess(first, z.uuid().catch('')).default(''),
  from: z.preprocess(first, isoDate.catch('')).default(''),
  to: z.preprocess(first, isoDate.catch('')).default(''),
});

export default async function PortalDocumentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient();
  const values: DocumentSearchValues = searchSchema.parse(await searchParams);
  const db = getDb();
  const [types, documents] = await Promise.all([
    listPortalDocumentTypes(db, portal.tenant.id),
    listPortalDocuments(
      db,
      { tenantId: portal.tenant.id, accountId: portal.account.id, patientId: portal.patient.id },
      { q: values.q || undefined, typeId: values.type || undefined, from: values.from || undefined, to: values.to || undefined },
    ),
  ]);
  const filtered = Boolean(values.q || values.type || values.from || values.to);
  const rangeError = values.from && values.to && values.from > values.to ? 'The “from” date is after the “to” date.' : undefined;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Documents</h1>
        <p className="mt-1 text-fg-muted">
          Documents the clinic has shared with {portal.patient.relationship === 'self' ? 'you' : portal.patient.firstName}, newest examination first.
        </p>
      </div>
      <DocumentSearchForm values={values} types={types} error={rangeError} />
      <section aria-labelledby="results-heading" className="space-y-3">
        <h2 id="results-heading" className="sr-only">Results</h2>
        <p role="status" className="text-sm text-fg-muted">
          {filtered ? `${documents.length} ${documents.length === 1 ? 'document matches' : 'documents match'} your search.` : `${documents.length} ${documents.length === 1 ? 'document' : 'documents'}.`}
        </p>
        {documents.length === 0 ? (
          filtered ? (
            <EmptyState title="No documents match your search.">
              Try other words or a wider date range, or{' '}
              <Link href="/portal/documents" className="font-medium text-brand-accent underline">show all documents</Link>.
            </EmptyState>
          ) : (
            <EmptyState title="No documents yet.">Documents appear here when the clinic shares them.</EmptyState>
          )
        ) : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {documents.map((doc) => (
              <li key={doc.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="break-words font-medium">{doc.title}</p>
                  <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-fg-muted">
                    <div className="flex gap-1">
                      <dt>Type:</dt>
                      <dd>{doc.typeName}</dd>
                    </div>
                    <div className="flex gap-1">
                      <dt>Examined:</dt>
                      <dd>{formatCalendarDate(doc.examinationDate)}</dd>
                    </div>
                    <div className="flex gap-1">
                      <dt>Size:</dt>
                      <dd>{formatBytes(doc.sizeBytes)}</dd>
                    </div>
                  </dl>
                </div>
                <DocumentLinks id={doc.id} title={doc.title} contentType={doc.contentType} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
