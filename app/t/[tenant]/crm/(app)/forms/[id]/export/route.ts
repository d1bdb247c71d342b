import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { exportQuestionnaire } from '@/lib/clinic-forms/templates';
import { requireTenantForSegment } from '@/lib/tenancy/request-tenant';

/**
 * A form as a FHIR R4 Questionnaire (JSON download): `?version=N`, else the current version (the
 * saved draft when never published). A route handler is a public endpoint: it resolves the clinic
 * and checks `forms.manage` itself, as the builder page does.
 */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string; id: string }> }) {
  const { tenant, id } = await params;
  await requireTenantForSegment(tenant);
  const ctx = await requireStaff('crm', 'forms.manage');
  const raw = new URL(request.url).searchParams.get('version');
  if (raw !== null && !/^[1-9]\d{0,5}$/.test(raw)) return plain(400, 'The version must be a whole number from 1.');
  let questionnaire;
  try {
    questionnaire = await exportQuestionnaire(getDb(), ctx, id, raw === null ? undefined : Number(raw));
  } catch (error) {
    if (error instanceof NotFoundError) return plain(404, 'Not found.');
    if (error instanceof ForbiddenError) return plain(403, 'Forbidden.');
    throw error;
  }
  const name = fileName(String(questionnaire.title ?? 'form'), raw ?? (questionnaire.version ? String(questionnaire.version) : 'draft'));
  return new Response(`${JSON.stringify(questionnaire, null, 2)}\n`, {
    headers: {
      'Content-Type': 'application/fhir+json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function plain(status: number, text: string) {
  return new Response(`${text}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}

/** "PHQ-9 (depression)" v2 → "phq-9-depression-v2.json": ASCII only, safe in the header. */
function fileName(title: string, version: string): string {
  const slug = title.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'form';
  return `${slug}-${/^\d+$/.test(version) ? `v${version}` : 'draft'}.json`;
}
