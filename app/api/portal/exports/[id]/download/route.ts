import { getDb } from '@/db/client';
import { downloadDataExport } from '@/lib/data-export/download-route';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The one download of a patient's data export (lib/data-export/download-route.ts says who may). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return downloadDataExport(getDb(), request, id);
}
