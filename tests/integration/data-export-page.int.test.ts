import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { dataExports, patientPortalSettings, patients, portalAccountPatients, portalAccounts } from '@/db/schema';
import { runDataExportJob } from '@/lib/data-export/build';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { createTestTenant } from '../support/factories';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * My data's "Export my data" section as people see it: each state of the person's export in
 * their language, the request button posting to the action (the page works without JavaScript:
 * plain forms), the download as a POST form to the route, a refusal sent back by the route in
 * words, and no section for a link without the export area.
 */

const { default: dataPage } = await import('@/app/t/[tenant]/portal/(app)/data/page');
const { requestDataExportAction } = await import('@/app/t/[tenant]/portal/(app)/data/export-actions');

let storeDir: string;
beforeAll(async () => {
  storeDir = await mkdtemp(path.join(os.tmpdir(), 'cb-data-export-page-'));
  setObjectStoreForTests(new LocalObjectStore(storeDir));
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(storeDir, { recursive: true, force: true });
});

async function family() {
  const clinic = await createTestTenant({ name: `Harbor ${randomBytes(2).toString('hex')}` });
  const [leo] = await getDb().insert(patients).values({ tenantId: clinic.id, recordNumber: `H-${randomBytes(3).toString('hex')}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2010-05-02' }).returning();
  await getDb().insert(patientPortalSettings).values({ tenantId: clinic.id, patientId: leo!.id, accessEnabled: true });
  const account = async (fullName: string, language: string, link: Partial<typeof portalAccountPatients.$inferInsert> & { relationship: 'self' | 'parent' }) => {
    const [row] = await getDb().insert(portalAccounts).values({
      tenantId: clinic.id, fullName, email: `${randomBytes(4).toString('hex')}@example.test`, phone: `+1555555${String(1000 + Math.floor(Math.random() * 8999)).slice(-4)}`,
      phoneVerifiedAt: new Date(), passwordHash: 'unused', language,
    }).returning();
    await getDb().insert(portalAccountPatients).values({ tenantId: clinic.id, accountId: row!.id, patientId: leo!.id, teenConsentAt: new Date(), ...link });
    const session = await signIn('portal', { tenantId: clinic.id, subjectId: row!.id, selectedPatientId: leo!.id });
    return { account: row!, req: { host: hostFor(clinic.slug), cookies: session.cookies, path: '/portal/data' } };
  };
  return {
    clinic, leo: leo!,
    leo_: await account('Leo Lopez', 'en', { relationship: 'self' }),
    maria: await account('Maria Lopez', 'es', { relationship: 'parent' }),
    aunt: await account('Rosa Lopez', 'en', { relationship: 'parent', scope: 'custom', areas: ['records', 'bookings'] }),
  };
}

async function render(req: { host: string; cookies: Record<string, string> }, searchParams: Record<string, string> = {}): Promise<{ outcome: Outcome; text: string; html: string }> {
  const outcome = await invokeAction(req, async () => renderToStaticMarkup(await dataPage({ params: Promise.resolve({}), searchParams: Promise.resolve(searchParams) } as never)));
  const html = outcome.kind === 'returned' ? String(outcome.value) : '';
  const text = html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  return { outcome, text, html };
}

describe('Export my data on My data', () => {
  it('walks the patient from asking to the one download, in English', async () => {
    const f = await family();
    const none = await render(f.leo_.req);
    expect(none.text).toContain('Export my data');
    expect(none.text).toContain('You have not asked for an export yet.');
    expect(none.html).toMatch(/data-state="none"/);
    expect(none.html).toMatch(/<button[^>]*type="submit"[^>]*data-testid="data-export-request"[^>]*>Prepare my export<\/button>/);

    const asked = await invokeAction(f.leo_.req, requestDataExportAction, {}, new FormData());
    expect(asked).toMatchObject({ kind: 'returned', value: { ok: true, message: expect.stringContaining('We are preparing your export') } });
    expect(asked.revalidated).toContain('path:/portal/data');
    const again = await invokeAction(f.leo_.req, requestDataExportAction, {}, new FormData());
    expect(again).toMatchObject({ kind: 'returned', value: { ok: false, message: 'An export is already being prepared or waiting to be downloaded.' } });

    const preparing = await render(f.leo_.req);
    expect(preparing.html).toMatch(/data-state="preparing"/);
    expect(preparing.text).toContain('Your export is being prepared');
    expect(preparing.html).not.toContain('data-export-request');

    await runDataExportJob(getDb(), new Date());
    const [row] = await getDb().select().from(dataExports).where(eq(dataExports.accountId, f.leo_.account.id));
    const ready = await render(f.leo_.req);
    expect(ready.html).toMatch(/data-state="ready"/);
    expect(ready.text).toContain('Your export is ready. You can download it once, until');
    expect(ready.html).toMatch(new RegExp(`<form[^>]*action="/api/portal/exports/${row!.id}/download"[^>]*method="post"`));
    expect(ready.text).toContain('Download my export (ZIP)');

    // The route sends a second download back here with its reason.
    await getDb().update(dataExports).set({ status: 'downloaded', downloadedAt: new Date() }).where(eq(dataExports.id, row!.id));
    const refused = await render(f.leo_.req, { export: 'already-downloaded' });
    expect(refused.html).toMatch(/role="alert"[^>]*>This export was already downloaded/);
    expect(refused.text).toContain('You downloaded your export on');
    expect(refused.html).toMatch(/data-testid="data-export-request"[^>]*>Ask for a new export</);
    // Anything else in the address shows nothing.
    expect((await render(f.leo_.req, { export: '<script>' })).html).not.toMatch(/role="alert"/);
  });

  it("shows a parent what they can export of the child's record, in Spanish", async () => {
    const f = await family();
    const page = await render(f.maria.req);
    expect(page.text).toContain('Exportar mis datos');
    expect(page.text).toContain('Obtenga una copia de lo que usted puede ver del historial de Leo Lopez');
    const asked = await invokeAction(f.maria.req, requestDataExportAction, {}, new FormData());
    expect(asked).toMatchObject({ kind: 'returned', value: { ok: true, message: expect.stringContaining('Estamos preparando su exportación') } });
    const refusal = await render(f.maria.req, { export: 'expired' });
    expect(refusal.text).toContain('Esta exportación caducó a los 7 días.');
  });

  it('has no export section for a link without the export area, and its action is refused', async () => {
    const f = await family();
    const page = await render(f.aunt.req);
    expect(page.text).toContain('My data');
    expect(page.html).not.toContain('data-export');
    const asked = await invokeAction(f.aunt.req, requestDataExportAction, {}, new FormData());
    expect(asked.kind === 'returned' ? (asked.value as { ok?: boolean }).ok : false).not.toBe(true);
    expect(await getDb().select().from(dataExports).where(eq(dataExports.accountId, f.aunt.account.id))).toEqual([]);
  });
});
