import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { outboxMessages, patients, tenantBranding } from '@/db/schema';
import type { EmailMessage, EmailSender } from '@/lib/email/types';
import { enqueueDocumentNotification } from '@/lib/notifications/document-notifications';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { dispatchDueMessages } from '@/lib/outbox/dispatcher';
import { createTestTenant } from '../support/factories';

/**
 * A notice queued from the database is drawn in that clinic's layout: its name, its logo on its
 * own host, its colour; and the dispatcher hands the HTML to the provider with the text part.
 */

beforeEach(() => {
  vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await getDb().delete(outboxMessages);
});

async function clinicWithPatient(branding: { displayName: string; logoUrl: string | null; primaryColor: string }) {
  const tenant = await createTestTenant({ name: branding.displayName });
  await getDb().update(tenantBranding).set(branding).where(eq(tenantBranding.tenantId, tenant.id));
  const [patient] = await getDb()
    .insert(patients)
    .values({
      tenantId: tenant.id,
      recordNumber: `MRN-E-${randomBytes(3).toString('hex')}`,
      firstName: 'Philippa',
      lastName: 'Quennell-Layout',
      dateOfBirth: '1984-07-19',
      email: `philippa-${randomBytes(3).toString('hex')}@example.test`,
    })
    .returning();
  return { tenant, patient: patient! };
}

async function queuedEmail(tenantId: string, patientId: string) {
  await getDb().transaction((tx) => enqueueDocumentNotification(tx, { tenantId, patientId, documentId: randomUUID() }));
  const [row] = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenantId));
  return row!;
}

describe('notices in the clinic layout, from the database', () => {
  it('draws the clinic\'s name, logo (absolute, on its subdomain) and colour, and keeps the text part', async () => {
    const { tenant, patient } = await clinicWithPatient({
      displayName: 'Harbor Dermatology', logoUrl: '/api/branding/00000000-0000-4000-8000-000000000001/logo-a.png', primaryColor: '#1d4ed8',
    });
    const row = await queuedEmail(tenant.id, patient.id);
    const origin = `https://${tenant.slug}.carebridge.example`;
    expect(row.html).toContain(`<img src="${origin}/api/branding/00000000-0000-4000-8000-000000000001/logo-a.png"`);
    expect(row.html).toContain('data-part="clinic-name">Harbor Dermatology<');
    expect(row.html).toContain('bgcolor="#1d4ed8"');
    expect(row.html).toContain(`href="${origin}/portal/documents"`);
    expect(row.body).toBe([
      'Hello,', '', 'A new document is available in your Harbor Dermatology patient portal. Sign in to view it:',
      `${origin}/portal/documents`, '', 'This is an automatic message from Harbor Dermatology.',
    ].join('\n'));
    expect(row.html).not.toMatch(/Philippa|Quennell/);
  });

  it('draws the name alone for a clinic without a logo, and its own colour', async () => {
    const { tenant, patient } = await clinicWithPatient({ displayName: 'Sunrise Family Clinic', logoUrl: null, primaryColor: '#0f766e' });
    const row = await queuedEmail(tenant.id, patient.id);
    expect(row.html).not.toContain('<img');
    expect(row.html).toContain('bgcolor="#0f766e"');
    expect(await loadClinicEmailBrand(getDb(), tenant.id)).toEqual({ name: 'Sunrise Family Clinic', logoUrl: null, primaryColor: '#0f766e' });
  });

  it('hands the provider the HTML, the text part and the clinic as the sender', async () => {
    const { tenant, patient } = await clinicWithPatient({ displayName: 'Harbor Dermatology', logoUrl: '/brand/harbor-logo.svg', primaryColor: '#1d4ed8' });
    const row = await queuedEmail(tenant.id, patient.id);
    const sent: EmailMessage[] = [];
    const email: EmailSender = { name: 'outbox', send: async (message) => { sent.push(message); return { providerMessageId: 'e-1' }; } };
    expect(await dispatchDueMessages({ email })).toMatchObject({ sent: 1 });
    expect(sent).toEqual([expect.objectContaining({ to: patient.email, text: row.body, html: row.html, fromName: 'Harbor Dermatology' })]);
    expect(sent[0]!.html).toContain(`https://${tenant.slug}.carebridge.example/brand/harbor-logo.svg`);
  });
});
