import { renderToReadableStream } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { suppressions } from '@/db/schema';
import { changeConsentByStaff, recordConsent } from '@/lib/engagement/consent';
import { suppress } from '@/lib/engagement/suppressions';
import { makeUnsubscribeToken } from '@/lib/engagement/unsubscribe';
import { hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { createConsentClinic, type ConsentClinic } from '../support/engagement-consent-world';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The consent pages as people see them (issue 18): the unsubscribe page signed out (the clinic's
 * name, a masked address, the button; "does not work" for another clinic's link), the chart's
 * Consent tab (answers with source, who and when; a form only with patients.edit), and the portal
 * settings' "Messages from the clinic" for every patient the account acts for.
 */

const { default: unsubscribePage } = await import('@/app/t/[tenant]/portal/(public)/unsubscribe/[token]/page');
const { default: consentTab } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/consent/page');
const { default: settingsPage } = await import('@/app/t/[tenant]/portal/(app)/settings/page');

type PageFn = (p: never) => Promise<React.ReactElement>;
const props = (params: Record<string, string>, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;

async function render(req: { host: string; cookies?: Record<string, string> }, page: PageFn, p: never): Promise<{ outcome: Outcome; text: string; html: string }> {
  // Streamed, as Next renders it: a section of the settings page (passkeys) loads its own data and suspends.
  const outcome = await invokeAction(req, async () => {
    const stream = await renderToReadableStream(await page(p));
    await stream.allReady;
    return new Response(stream).text();
  });
  const html = outcome.kind === 'returned' ? String(outcome.value) : '';
  const text = html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  return { outcome, text, html };
}

let w: ConsentClinic;
beforeEach(async () => {
  w = await createConsentClinic();
});

describe('the unsubscribe page', () => {
  it("shows the clinic and a masked address with the button, signed out; changes nothing by being opened", async () => {
    const token = makeUnsubscribeToken(w.clinic.id, w.maria.email!);
    const page = await render({ host: hostFor(w.clinic.slug) }, unsubscribePage, props({ tenant: w.clinic.slug, token }));
    expect(page.text).toContain(`Unsubscribe from ${w.clinic.name}`);
    expect(page.text).toContain(`m••••@${w.maria.email!.split('@')[1]}`);
    expect(page.text).not.toContain(w.maria.email!);
    expect(page.html).toMatch(/<form[^>]*>.*name="token" value="u1\.[^"]+".*<button[^>]*type="submit"[^>]*>Unsubscribe<\/button>/s);
    expect(await getDb().select().from(suppressions).where(eq(suppressions.tenantId, w.clinic.id))).toEqual([]);
    // "?done=1" typed by hand does not claim an unsubscribe that did not happen.
    const claimed = await render({ host: hostFor(w.clinic.slug) }, unsubscribePage, props({ tenant: w.clinic.slug, token }, { done: '1' }));
    expect(claimed.text).not.toContain('You are unsubscribed');
  });

  it('says it is done after the button, and that the link does not work for another clinic', async () => {
    const token = makeUnsubscribeToken(w.clinic.id, w.maria.email!);
    await suppress(getDb(), w.clinic.id, 'email', w.maria.email!, 'unsubscribed');
    const done = await render({ host: hostFor(w.clinic.slug) }, unsubscribePage, props({ tenant: w.clinic.slug, token }, { done: '1' }));
    expect(done.text).toContain('You are unsubscribed');
    const other = await createConsentClinic();
    const elsewhere = await render({ host: hostFor(other.clinic.slug) }, unsubscribePage, props({ tenant: other.clinic.slug, token }));
    expect(elsewhere.text).toContain('This link does not work');
    expect(elsewhere.html).not.toContain('<form');
  });
});

describe("the chart's Consent tab", () => {
  it('shows each answer with its source, who and when; a form for staff with patients.edit only', async () => {
    await changeConsentByStaff(getDb(), w.admin, w.maria.id, { channel: 'sms', purpose: 'marketing', granted: true });
    await suppress(getDb(), w.clinic.id, 'email', w.maria.email!, 'unsubscribed');
    const admin = await signIn('staff', { tenantId: w.clinic.id, subjectId: w.admin.actor.id });
    const tab = await render({ host: hostFor(w.clinic.slug), cookies: admin.cookies }, consentTab, props({ tenant: w.clinic.slug, id: w.maria.id }));
    for (const text of ['Consent to be contacted', 'Email · Care messages', 'Default (allowed)', 'Email · Marketing', 'Default (not allowed until the patient agrees)',
      'SMS · Marketing', `Staff (${w.admin.actor.fullName})`, 'Suppressed: unsubscribed from marketing (email link)', 'Record changes']) {
      expect(tab.text).toContain(text);
    }
    expect(tab.html).toContain('name="smsMarketing"');

    const support = await signIn('staff', { tenantId: w.clinic.id, subjectId: w.support.actor.id });
    const readOnly = await render({ host: hostFor(w.clinic.slug), cookies: support.cookies }, consentTab, props({ tenant: w.clinic.slug, id: w.maria.id }));
    expect(readOnly.text).toContain(`Staff (${w.admin.actor.fullName})`);
    expect(readOnly.html).not.toContain('<form');

    const other = await createConsentClinic();
    const theirs = await render({ host: hostFor(w.clinic.slug), cookies: admin.cookies }, consentTab, props({ tenant: w.clinic.slug, id: other.maria.id }));
    expect(theirs.outcome.kind).toBe('not-found');
  });
});

describe("the portal's Messages from the clinic", () => {
  it('lists every patient the account acts for, with their choices and what stands in the way', async () => {
    await recordConsent(getDb(), w.clinic.id, { patientId: w.leo.id, channel: 'email', purpose: 'marketing', granted: true, source: 'portal' });
    const maria = await signIn('portal', { tenantId: w.clinic.id, subjectId: w.mariaPortal.account.id });
    const page = await render({ host: hostFor(w.clinic.slug), cookies: maria.cookies }, settingsPage, props({ tenant: w.clinic.slug }, { saved: 'messages' }));
    for (const text of ['Messages from the clinic', 'Your message choices are saved.', `For ${w.maria.firstName} ${w.maria.lastName}`, 'For Leo Lopez',
      'News and offers by email', 'News and offers by text message', 'No mobile number on file.', 'Last changed']) {
      expect(page.text).toContain(text);
    }
    // Leo's box is ticked, Maria's is not.
    const forms = page.html.split('name="patientId"').slice(1);
    const leoForm = forms.find((f) => f.includes(w.leo.id))!;
    const mariaForm = forms.find((f) => f.includes(w.maria.id))!;
    expect(leoForm).toMatch(/name="marketingEmail" checked=""/);
    expect(mariaForm).not.toMatch(/name="marketingEmail" checked=""/);
  });
});
