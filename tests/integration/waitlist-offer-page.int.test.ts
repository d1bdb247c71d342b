import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, patients, portalAccounts } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { makeOfferToken } from '@/lib/waitlist/offer-links';
import { formData, hostFor, invokeAction, type Outcome } from '../support/action-harness';
import { createPortalAccount } from '../support/portal-fixtures';
import { holdClockAt, NOW } from '../support/scheduling-fixtures';
import { waitlistClinic as clinic } from './waitlist-offers-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

holdClockAt(NOW);

/**
 * The page a waitlist offer's SMS and email open (issue 20, point 2), signed out: the time (the
 * location's zone, and the patient's own when it differs), the hold, and two POST buttons, in the
 * patient's language, never the service; opening it changes nothing; "Book this time" books and
 * the page says so; an offer that ended, was taken or answered says so plainly.
 */

const offerPage = await import('@/app/t/[tenant]/portal/(public)/waitlist/offers/[token]/page');
const { acceptOfferLinkAction, declineOfferLinkAction } = await import('@/app/t/[tenant]/portal/(public)/waitlist/offers/[token]/actions');

const props = (params: Record<string, string>, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;

async function render(host: string, p: never): Promise<{ outcome: Outcome; text: string; html: string }> {
  const outcome = await invokeAction({ host }, async () => renderToStaticMarkup(await offerPage.default(p)));
  const html = outcome.kind === 'returned' ? String(outcome.value) : '';
  const text = html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  return { outcome, text, html };
}

const FORM = (label: string) => new RegExp(`<form[^>]*>(?:(?!</form>).)*name="token" value="w1\\.[^"]+"(?:(?!</form>).)*<button[^>]*type="submit"[^>]*>${label}</button>`, 's');

/** A clinic where Ana waits and holds the offer of Wednesday 09:00 (Leo's cancelled visit). */
async function offered() {
  const c = await clinic();
  const ana = await c.patient('Ana');
  await c.entry(ana.id, 5);
  await c.cancelLeo();
  await c.run();
  const [offer] = await c.offers();
  return { c, ana, offer: offer!, token: makeOfferToken(c.tenant.id, offer!.id), host: hostFor(c.tenant.slug) };
}

describe('the waitlist offer page', () => {
  it('shows when, where, with whom and the hold, with two buttons; opening it changes nothing', async () => {
    const { c, offer, token, host } = await offered();
    const page = await render(host, props({ tenant: c.tenant.slug, token }));
    for (const words of [
      `A time opened up at ${c.tenant.name}`, 'held for you until Mon, Jan 7, 2030, 7:15 AM EST', 'Wed, Jan 9, 2030, 9:00 AM EST', 'Time zone: Eastern Standard Time',
      'Main Street', 'Dr Ada', 'keeps you on the waiting list',
    ]) expect(page.text).toContain(words);
    expect(page.html).toMatch(FORM('Book this time'));
    expect(page.html).toMatch(FORM('No thanks'));
    expect(page.text).not.toContain('Fertility');
    expect(page.text).not.toContain('In your time zone');
    expect((await c.offers())[0]).toEqual(offer);
    const meta = await invokeAction({ host }, () => offerPage.generateMetadata(props({ tenant: c.tenant.slug, token })));
    expect(meta).toMatchObject({ kind: 'returned', value: { title: 'A time for you', robots: { index: false, follow: false }, referrer: 'no-referrer' } });
  });

  it("speaks the patient's language and adds the time in the patient's own zone", async () => {
    const c = await clinic();
    // A patient with her own portal account, in Spanish, who chose Los Angeles as her zone.
    const own = await createPortalAccount(c.tenant, { email: `eva-${c.tenant.slug}@example.test`, phone: '+15550109999', password: 'x' });
    await getDb().update(patients).set({ preferredLanguage: 'es' }).where(eq(patients.id, own.patient.id));
    await getDb().update(portalAccounts).set({ timeZone: 'America/Los_Angeles' }).where(eq(portalAccounts.id, own.account.id));
    await c.entry(own.patient.id, 5);
    await c.cancelLeo();
    await c.run();
    const [offer] = await c.offers();
    const page = await render(hostFor(c.tenant.slug), props({ tenant: c.tenant.slug, token: makeOfferToken(c.tenant.id, offer!.id) }));
    expect(page.html).toContain('lang="es"');
    expect(page.text).toContain(`Se liberó un horario en ${c.tenant.name}`);
    expect(page.text).toContain('En su zona horaria: mié, 9 de ene de 2030, 6:00');
    expect(page.html).toMatch(FORM('Reservar este horario'));
    expect(page.html).toMatch(FORM('No, gracias'));
  });

  it('books with its button and says so; a second press and a hand-typed done claim nothing more', async () => {
    const { c, ana, token, host } = await offered();
    const claimed = await render(host, props({ tenant: c.tenant.slug, token }, { done: 'accept' }));
    expect(claimed.text).not.toContain('Your visit is booked');
    const path = `/portal/waitlist/offers/${token}`;
    expect(await invokeAction({ host, path }, acceptOfferLinkAction, formData({ token }))).toMatchObject({ kind: 'redirect', location: `${path}?done=accept` });
    const booked = await getDb().select().from(appointments).where(and(eq(appointments.tenantId, c.tenant.id), eq(appointments.patientId, ana.id)));
    expect(booked.map((a) => a.status)).toEqual(['booked']);
    const done = await render(host, props({ tenant: c.tenant.slug, token }, { done: 'accept' }));
    expect(done.text).toContain('Your visit is booked');
    expect(done.html).not.toMatch(FORM('Book this time'));
    expect(await invokeAction({ host, path }, acceptOfferLinkAction, formData({ token }))).toMatchObject({ kind: 'redirect', location: `${path}?done=refused` });
    expect(await getDb().select().from(appointments).where(and(eq(appointments.tenantId, c.tenant.id), eq(appointments.patientId, ana.id)))).toHaveLength(1);
    expect((await render(host, props({ tenant: c.tenant.slug, token }))).text).toContain('You already answered this offer');
  });

  it('says no thanks, and says plainly when the hold has ended; another clinic’s link does not work', async () => {
    const first = await offered();
    const path = `/portal/waitlist/offers/${first.token}`;
    expect(await invokeAction({ host: first.host, path }, declineOfferLinkAction, formData({ token: first.token }))).toMatchObject({ kind: 'redirect', location: `${path}?done=decline` });
    expect((await render(first.host, props({ tenant: first.c.tenant.slug, token: first.token }, { done: 'decline' }))).text).toContain('Thank you for letting us know');

    const second = await offered();
    setClockForTests(() => second.offer.expiresAt);
    const ended = await render(second.host, props({ tenant: second.c.tenant.slug, token: second.token }));
    expect(ended.text).toContain('This offer has ended');
    expect(ended.html).not.toMatch(FORM('Book this time'));

    // The first clinic's token on the second clinic's host.
    const foreign = await render(second.host, props({ tenant: second.c.tenant.slug, token: first.token }));
    expect(foreign.text).toContain('This link does not work');
  });
});
