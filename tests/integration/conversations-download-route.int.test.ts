import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { replyAsStaff, startStaffConversation } from '@/lib/conversations/staff';
import type { DownloadRequester } from '@/lib/documents/authorize-download';
import { PNG_BYTES } from '../support/document-files';
import { addAccount, addPatient, attachmentsOf, auditActions, file, household, messagingClinic, pdf, useTempStore } from './conversations-fixtures';

/** The session part is stubbed: who is calling is decided here, everything after it is real. */
const caller: { current: DownloadRequester | null } = { current: null };
vi.mock('@/lib/documents/route-auth', () => ({
  jsonError: (status: number, error: string) => Response.json({ error }, { status, headers: { 'Cache-Control': 'no-store' } }),
  resolveDownloadCaller: async () => caller.current
    ? { ok: true, requester: caller.current }
    : { ok: false, response: Response.json({ error: 'unauthorized' }, { status: 401 }) },
}));

const { GET } = await import('@/app/api/messages/attachments/[id]/route');

let temp: Awaited<ReturnType<typeof useTempStore>>;
beforeAll(async () => { temp = await useTempStore(); });
afterAll(async () => { await temp.dispose(); });

const get = (id: string, query = '') => GET(new Request(`http://sunrise.localhost/api/messages/attachments/${id}${query}`), { params: Promise.resolve({ id }) });

describe('GET /api/messages/attachments/[id]', () => {
  it('streams to the staff member and the patient with safe headers; 404 for anyone else', async () => {
    const { clinic, support, marketing } = await messagingClinic();
    const { maria, asMaria, asLeosParent } = await household(clinic);
    const started = await startStaffConversation(getDb(), support, { patientId: maria.id, subject: 's', body: 'b' });
    if (!started.ok) throw new Error(started.message);
    const sent = await replyAsStaff(getDb(), support, started.conversationId, { body: 'files', files: [file(PNG_BYTES, 'x-ray "left".pdf'), pdf('letter.pdf')] });
    expect(sent.ok).toBe(true);
    const rows = await attachmentsOf(clinic.id);
    const png = rows.find((r) => r.contentType === 'image/png')!;

    caller.current = { kind: 'staff', ctx: support };
    const response = await get(png.id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="x-ray _left_.png"/);
    expect(Buffer.from(await response.arrayBuffer()).equals(PNG_BYTES)).toBe(true);

    caller.current = { kind: 'portal', ctx: asMaria };
    const asPatient = await get(png.id, '?download=1');
    expect(asPatient.status).toBe(200);
    expect(asPatient.headers.get('content-disposition')).toMatch(/^attachment;/);

    const robert = await addPatient(clinic, 'Robert');
    const robertActor = (await addAccount(clinic, 'Robert Chen', [{ patientId: robert.id, relationship: 'self' }])).actorFor(robert.id);
    const other = await messagingClinic();
    for (const who of [
      { kind: 'portal' as const, ctx: asLeosParent },
      { kind: 'portal' as const, ctx: robertActor },
      { kind: 'staff' as const, ctx: marketing },
      { kind: 'staff' as const, ctx: other.admin },
    ]) {
      caller.current = who;
      const refused = await get(png.id);
      expect(refused.status).toBe(404);
      expect(refused.headers.get('cache-control')).toBe('no-store');
    }
    caller.current = { kind: 'staff', ctx: support };
    expect((await get('not-a-uuid')).status).toBe(404);
    caller.current = null;
    expect((await get(png.id)).status).toBe(401);

    const reads = (await auditActions(clinic.id)).filter((a) => a.action === 'message.attachment_read');
    expect(reads.map((r) => r.actorKind).sort()).toEqual(['patient', 'staff']);
  });
});
