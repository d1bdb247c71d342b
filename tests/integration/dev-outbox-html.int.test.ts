import { eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { tenantBranding } from '@/db/schema';
import { OutboxEmailSender } from '@/lib/email/outbox-sender';
import { OutboxSmsSender } from '@/lib/sms/outbox-sender';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { inviteStaff } from '@/lib/staff/staff-users';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * /dev/outbox, the development mail viewer: besides an email's text part it shows the HTML part,
 * in a frame with no permissions (sandbox="", srcdoc) behind a native disclosure a keyboard opens.
 * A text message has no HTML part and gets no disclosure.
 */

beforeEach(() => {
  vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
  vi.stubEnv('EMAIL_PROVIDER', 'outbox');
  vi.stubEnv('SMS_PROVIDER', 'outbox');
  resetMessagingProvidersForTests();
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetMessagingProvidersForTests();
});

/** The page as the server renders it, cut into its list items by recipient. */
async function outboxItems(): Promise<Map<string, string>> {
  const { default: DevOutboxPage } = await import('@/app/platform/dev/outbox/page');
  const page = renderToStaticMarkup(await DevOutboxPage());
  const items = new Map<string, string>();
  for (const part of page.split('<li').slice(1)) {
    const recipient = /data-recipient="([^"]+)"/.exec(part)?.[1];
    if (recipient) items.set(recipient, part);
  }
  return items;
}

describe('/dev/outbox', () => {
  it('shows an email\'s HTML part in a sandboxed frame behind a disclosure, and its text as before', async () => {
    const tenant = await createTestTenant({ name: 'Harbor Skin Holdings LLC' });
    await getDb().update(tenantBranding).set({ displayName: 'Harbor Dermatology', primaryColor: '#1d4ed8' }).where(eq(tenantBranding.tenantId, tenant.id));
    const admin = await createStaffContext(tenant, 'admin');
    await inviteStaff(getDb(), admin, { email: 'outbox.viewer@harbor.test', fullName: 'Outbox Viewer', accessLevelId: tenant.levelId.support }, new OutboxEmailSender(), `https://${tenant.slug}.carebridge.example`);
    await new OutboxSmsSender().send({ to: '+15555550199', body: 'Your code is 123456' });

    const items = await outboxItems();
    const email = items.get('outbox.viewer@harbor.test')!;
    // The text part as it was, for a reader and for the e2e suite's link lookups.
    expect(email).toMatch(/<pre[^>]*>Hello,\n\nTest Admin invited you to join Harbor Dermatology on Carebridge\./);
    expect(email).toMatch(/<details[^>]*><summary[^>]*>Show the HTML part<\/summary>/);
    const frame = /<iframe ([^>]*)>/.exec(email)?.[1] ?? '';
    expect(frame).toContain('sandbox=""');
    expect(frame).toContain('title="HTML part of the email to outbox.viewer@harbor.test: You’re invited to Harbor Dermatology on Carebridge"');
    // The whole document, escaped into the attribute (it cannot close the tag or add one).
    expect(frame).toMatch(/srcDoc="&lt;!DOCTYPE html&gt;&lt;html lang=&quot;en&quot;/);
    expect(frame).toContain('data-part=&quot;clinic-name&quot;&gt;Harbor Dermatology&lt;');

    const sms = items.get('+15555550199')!;
    expect(sms).toContain('Your code is 123456');
    expect(sms).not.toMatch(/<details|<iframe/);
  });
});
