import { eq } from 'drizzle-orm';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, auditLog, patients } from '@/db/schema';
import { AppointmentCard } from '@/components/emr/schedule/appointment-card';
import { BookingVisitCard } from '@/components/portal/bookings/booking-visit-card';
import { formatters, translator } from '@/lib/i18n/core';
import { bookings } from '@/lib/i18n/messages/bookings';
import { listBookingVisits } from '@/lib/scheduling/patient-bookings';
import { getScheduleAppointment } from '@/lib/scheduling/schedule-view';
import { confirmVisitByLink } from '@/lib/scheduling/visit-link-actions';
import { makeVisitToken } from '@/lib/scheduling/visit-links';
import { formData, hostFor, invokeAction, type Outcome } from '../support/action-harness';
import { holdClockAt, NOW, ny } from '../support/scheduling-fixtures';
import { visitLinkClinic as clinic } from './scheduling-visit-links-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

holdClockAt(NOW);

/**
 * The page a visit reminder's links open (issue 18, point 3), as the patient sees it signed out:
 * the visit (never the service) with two POST buttons, in the patient's language; opening it
 * changes nothing; the buttons confirm or cancel and the page then says so; inside the clinic's
 * window it says why it cannot cancel and whom to call; another clinic's link does not work.
 */

const visitPage = await import('@/app/t/[tenant]/portal/(public)/visit/[token]/page');
const { cancelVisitLinkAction, confirmVisitLinkAction } = await import('@/app/t/[tenant]/portal/(public)/visit/[token]/actions');

const props = (params: Record<string, string>, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;

async function render(host: string, p: never): Promise<{ outcome: Outcome; text: string; html: string }> {
  const outcome = await invokeAction({ host }, async () => renderToStaticMarkup(await visitPage.default(p)));
  const html = outcome.kind === 'returned' ? String(outcome.value) : '';
  const text = html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  return { outcome, text, html };
}

const FORM = (action: string) => new RegExp(`<form[^>]*>(?:(?!</form>).)*name="token" value="v1\\.[^"]+"(?:(?!</form>).)*<button[^>]*type="submit"[^>]*>${action}</button>`, 's');
const rowOf = async (id: string) => (await getDb().select().from(appointments).where(eq(appointments.id, id)))[0]!;

describe('the visit link page', () => {
  it('shows when, where and with whom and two buttons, signed out; opening it changes nothing', async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const token = makeVisitToken(c.tenant.id, id);
    const before = await rowOf(id);
    const page = await render(hostFor(c.tenant.slug), props({ tenant: c.tenant.slug, token }, { intent: 'confirm' }));
    for (const words of [
      `Your visit at ${c.tenant.name}`, 'Wed, Jan 9, 2030, 10:00 AM EST', 'Time zone: Eastern Standard Time', 'Main Street', '1 Main St, Springfield, NY 10001',
      'Dr Ada', 'You can cancel this visit here until Tue, Jan 8, 2030, 10:00 AM EST',
    ]) expect(page.text).toContain(words);
    expect(page.html).toMatch(FORM('Yes, I will come'));
    expect(page.html).toMatch(FORM('Cancel this visit'));
    expect(page.text).not.toContain('Fertility');
    expect(page.text).not.toContain(c.maria.patient.lastName);
    expect(await rowOf(id)).toEqual(before);
    expect(await getDb().select().from(auditLog).where(eq(auditLog.targetId, id))).toHaveLength(1); // the booking's own entry
  });

  it('is not indexed and sends no Referer', async () => {
    const c = await clinic();
    const token = makeVisitToken(c.tenant.id, await c.book(ny('2030-01-09', '10:00')));
    const outcome = await invokeAction({ host: hostFor(c.tenant.slug) }, () => visitPage.generateMetadata(props({ tenant: c.tenant.slug, token })));
    expect(outcome).toMatchObject({ kind: 'returned', value: { title: 'Your visit', robots: { index: false, follow: false }, referrer: 'no-referrer' } });
  });

  it("speaks the patient's language", async () => {
    const c = await clinic();
    await getDb().update(patients).set({ preferredLanguage: 'es' }).where(eq(patients.id, c.maria.patient.id));
    const token = makeVisitToken(c.tenant.id, await c.book(ny('2030-01-09', '10:00')));
    const page = await render(hostFor(c.tenant.slug), props({ tenant: c.tenant.slug, token }));
    expect(page.html).toContain('lang="es"');
    expect(page.text).toContain(`Su cita en ${c.tenant.name}`);
    expect(page.html).toMatch(FORM('Sí, iré'));
    expect(page.html).toMatch(FORM('Cancelar esta cita'));
  });

  it('confirms with its button, then says "see you"; a hand-typed done claims nothing', async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const token = makeVisitToken(c.tenant.id, id);
    const host = hostFor(c.tenant.slug);
    const claimed = await render(host, props({ tenant: c.tenant.slug, token }, { done: 'confirm' }));
    expect(claimed.text).not.toContain('see you');
    const posted = await invokeAction({ host, path: `/portal/visit/${token}` }, confirmVisitLinkAction, formData({ token }));
    expect(posted).toMatchObject({ kind: 'redirect', location: `/portal/visit/${token}?done=confirm` });
    expect((await rowOf(id)).confirmedAt).toEqual(NOW);
    const done = await render(host, props({ tenant: c.tenant.slug, token }, { done: 'confirm' }));
    expect(done.text).toContain('Thank you, see you on Wed, Jan 9, 2030, 10:00 AM EST');
    expect(done.html).toMatch(FORM('Cancel this visit'));
    expect(done.html).not.toMatch(FORM('Yes, I will come'));
    // Opened again later: it says it is confirmed, and offers only the cancel.
    const again = await render(host, props({ tenant: c.tenant.slug, token }));
    expect(again.text).toContain('You confirmed this visit on Mon, Jan 7, 2030, 7:00 AM EST.');
    expect(again.html).not.toMatch(FORM('Yes, I will come'));
  });

  it('cancels with its button, then says it is cancelled; the same POST again changes nothing more', async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const token = makeVisitToken(c.tenant.id, id);
    const host = hostFor(c.tenant.slug);
    expect((await render(host, props({ tenant: c.tenant.slug, token }, { done: 'cancel' }))).text).not.toContain('Your visit is cancelled');
    for (let i = 0; i < 2; i++) {
      const posted = await invokeAction({ host, path: `/portal/visit/${token}` }, cancelVisitLinkAction, formData({ token }));
      expect(posted).toMatchObject({ kind: 'redirect', location: `/portal/visit/${token}?done=cancel` });
    }
    expect((await rowOf(id)).status).toBe('cancelled');
    expect(await getDb().select().from(auditLog).where(eq(auditLog.action, 'appointment.cancelled')).then((rows) => rows.filter((r) => r.targetId === id))).toHaveLength(1);
    const done = await render(host, props({ tenant: c.tenant.slug, token }, { done: 'cancel' }));
    expect(done.text).toContain('Your visit is cancelled');
    expect(done.html).not.toContain('<form');
    // Opened again later: the visit is cancelled, nothing to press.
    const again = await render(host, props({ tenant: c.tenant.slug, token }));
    expect(again.text).toContain('This visit is cancelled.');
    expect(again.html).not.toContain('<form');
  });

  it("inside the clinic's window: confirm only, why not cancel, and the location's phone", async () => {
    const c = await clinic();
    const token = makeVisitToken(c.tenant.id, await c.book(ny('2030-01-07', '14:00')));
    const page = await render(hostFor(c.tenant.slug), props({ tenant: c.tenant.slug, token }, { intent: 'cancel' }));
    expect(page.html).toMatch(FORM('Yes, I will come'));
    expect(page.html).not.toMatch(FORM('Cancel this visit'));
    expect(page.text).toContain('Visits can be cancelled online until 24 hours before they start');
    expect(page.text).toContain('please call Main Street at (212) 555-0100');
    expect(page.html).toContain('href="tel:+12125550100"');
  });

  it("does not work on another clinic's host, and its buttons change nothing there", async () => {
    const c = await clinic();
    const other = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const token = makeVisitToken(c.tenant.id, id);
    const host = hostFor(other.tenant.slug);
    const page = await render(host, props({ tenant: other.tenant.slug, token }));
    expect(page.text).toContain('This link does not work');
    expect(page.html).not.toContain('<form');
    expect(page.text).not.toContain('Dr Ada');
    await invokeAction({ host, path: `/portal/visit/${token}` }, confirmVisitLinkAction, formData({ token }));
    await invokeAction({ host, path: `/portal/visit/${token}` }, cancelVisitLinkAction, formData({ token }));
    expect(await rowOf(id)).toMatchObject({ status: 'booked', confirmedAt: null });
  });
});

describe('a confirmed visit where people see visits', () => {
  it('reads "Confirmed" on the staff schedule and its visit page data, and in the portal\'s bookings list', async () => {
    const c = await clinic();
    const confirmed = await c.book(ny('2030-01-09', '10:00'));
    const open = await c.book(ny('2030-01-09', '11:00'));
    expect(await confirmVisitByLink(getDb(), c.tenant, makeVisitToken(c.tenant.id, confirmed))).toEqual({ ok: true });

    const card = async (id: string) => renderToStaticMarkup(createElement(AppointmentCard, {
      appointment: await getScheduleAppointment(getDb(), c.staff, id), show: { provider: true, location: true }, canManage: true,
    }));
    expect(await card(confirmed)).toMatch(/aria-label="[^"]*, Confirmed"/);
    expect(await card(confirmed)).toMatch(/<span[^>]*>Confirmed<\/span>/);
    expect(await card(open)).toMatch(/<span[^>]*>Booked<\/span>/);
    expect(await card(open)).not.toContain('Confirmed');

    const [first, second] = await listBookingVisits(getDb(), c.portal());
    const portalCard = (visit: typeof first) => renderToStaticMarkup(createElement(BookingVisitCard, {
      visit: visit!, patientZone: null, t: translator(bookings, 'en'), fmt: formatters('en'),
    }));
    expect(first!.id).toBe(confirmed);
    expect(portalCard(first)).toContain('Confirmed: you told the clinic you will come.');
    expect(portalCard(second)).not.toContain('Confirmed');
  });
});
