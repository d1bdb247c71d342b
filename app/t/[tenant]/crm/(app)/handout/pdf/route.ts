import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { getHandoutPdf, HandoutRuleError, parseHandoutOptions } from '@/lib/handout/handout';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { requireTenantForSegment } from '@/lib/tenancy/request-tenant';

export const runtime = 'nodejs';

const text = (status: number, body: string) =>
  new Response(`${body}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } });

/**
 * The portal handout as a PDF (?lang=en|es, ?paper=letter|a4). A route handler is a public
 * endpoint whatever the layouts check: it resolves the clinic from the host and checks the
 * session and `settings.manage` itself, and lib/ checks the permission again.
 */
export async function GET(request: Request, { params }: { params: Promise<{ tenant: string }> }) {
  await requireTenantForSegment((await params).tenant);
  const ctx = await requireStaff('crm', 'settings.manage');
  const url = new URL(request.url);
  const options = parseHandoutOptions({ lang: url.searchParams.get('lang'), paper: url.searchParams.get('paper') });
  if (!options.ok) return text(400, options.message);
  let pdf;
  try {
    pdf = await getHandoutPdf(getDb(), ctx, { lang: options.lang, paper: options.paper, requestOrigin: await getRequestOrigin() });
  } catch (error) {
    if (error instanceof HandoutRuleError) return text(409, error.userMessage);
    throw error;
  }
  return new Response(pdf.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${pdf.filename}"`,
      'Content-Length': String(pdf.bytes.length),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
