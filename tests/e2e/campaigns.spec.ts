import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, staffSignIn } from './support/auth';
import { hostUrl, requestOnHost } from './support/hosts';

/**
 * Issue 18's campaign journey: the Sunrise admin opens the seeded draft campaign (or, when an
 * earlier run sent it, makes one through the form), sends it now after the review, and the cron
 * route queues and sends it: the report counts Maria's email sent. Her email's unsubscribe link
 * works signed out; the report then counts her unsubscribed, and a second campaign to the same
 * segment leaves her out. Rerunnable on one database: Maria's "yes" to marketing email is
 * recorded again on her chart first (as staff would when she asks), which lifts an earlier
 * run's unsubscribe.
 */

const CRON_SECRET = process.env.CRON_SECRET ?? 'dev-only-cron-secret';
const SEEDED = 'Spring check-up invitation';
const SEGMENT = 'Seen in the last year';
const MARIA = 'maria.lopez@sunrise.test';

async function runCron() {
  const cron = await requestOnHost('root', '/api/cron/dispatch', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status).toBe(200);
}

/** A count of the campaign's report, by the start of its row's label ("Sent", "Left out"). */
async function reportCount(page: Page, label: string): Promise<number> {
  const table = page.getByRole('table', { name: /Campaign report/ });
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${label}`) }) });
  return Number((await row.getByRole('cell').innerText()).replace(/,/g, ''));
}

/** Runs the cron route until the campaign has finished and every message has its outcome; then its counts. */
async function finishedReport(page: Page) {
  await expect(async () => {
    await runCron();
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Sent');
    expect(await reportCount(page, 'Waiting for their turn')).toBe(0);
    expect(await reportCount(page, 'Handed over, not yet sent')).toBe(0);
  }).toPass({ timeout: 90_000 });
  return { sent: await reportCount(page, 'Sent'), leftOut: await reportCount(page, 'Left out'), noConsent: await reportCount(page, 'No marketing consent') };
}

/** "Send now", the review (how many, consent), and the confirmation. */
async function sendNow(page: Page, check = false) {
  const send = page.getByRole('region', { name: 'Send', exact: true });
  await send.getByRole('radio', { name: /^Send now/ }).check();
  await send.getByRole('button', { name: 'Review' }).click();
  await expect(send.getByRole('heading', { name: 'Send this campaign now?' })).toBeFocused();
  await expect(send.getByText(/takes \d[\d,]* patients? today/)).toBeVisible();
  await expect(send.getByText(/Only those who said yes to marketing by email get it/)).toBeVisible();
  if (check) await expectAccessible(page);
  await send.getByRole('button', { name: 'Send now', exact: true }).click();
  await expect(page.getByText(/On its way: it starts within a few minutes/)).toBeVisible();
}

/** A new draft through the form: the seeded marketing email template, to "Seen in the last year". */
async function newDraft(page: Page, name: string) {
  await page.goto(hostUrl('sunrise', '/crm/campaigns/new'));
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('radio', { name: /^Email/ }).check();
  await page.getByLabel('Template', { exact: true }).selectOption({ label: SEEDED });
  const segment = page.getByLabel('Segment', { exact: true });
  await segment.selectOption((await segment.locator('option', { hasText: SEGMENT }).getAttribute('value'))!);
  await expect(page.getByText(new RegExp(`in “${SEGMENT}” today\\.`))).toBeVisible();
  await page.getByRole('button', { name: 'Create draft' }).click();
  await expect(page.getByText('Draft created.')).toBeVisible();
}

/** Maria tells the clinic she wants its news by email again: recorded on her chart. */
async function mariaSaysYes(page: Page) {
  await page.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10001'));
  await page.getByRole('link', { name: 'Lopez, Maria' }).click();
  await page.getByRole('link', { name: 'Consent', exact: true }).click();
  await page.getByLabel('Email · Marketing: answer').selectOption('yes');
  await page.getByRole('button', { name: 'Record changes' }).click();
  await expect(page.getByText(/^(Consent recorded|Nothing changed)/)).toBeVisible();
}

async function unsubscribeSignedOut(browser: Browser, link: string) {
  const context = await browser.newContext({ locale: 'en-US' });
  const visitor = await context.newPage();
  try {
    await visitor.goto(link);
    // The page speaks the clinic's portal language (English for Sunrise unless a journey changed it).
    await expect(visitor.getByRole('heading', { level: 1, name: /^(Unsubscribe from|Darse de baja de) / })).toBeVisible();
    await expectAccessible(visitor);
    await visitor.getByRole('button', { name: /^(Unsubscribe|Darse de baja)$/ }).click();
    await expect(visitor.getByRole('heading', { level: 1, name: /^(You are unsubscribed|Se ha dado de baja)$/ })).toBeVisible();
    await expect(visitor.getByText(/will send no more news or offers to|no enviará más novedades ni ofertas a/)).toBeVisible();
  } finally {
    await context.close();
  }
}

test('the admin sends a campaign to a segment; Maria’s unsubscribe link works signed out and the next campaign leaves her out', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const stamp = Date.now().toString(36);
  await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
  await mariaSaysYes(page);

  // (1) The list, and the seeded draft (or a new one, when an earlier run sent it).
  await page.goto(hostUrl('sunrise', '/crm/campaigns'));
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await expectAccessible(page);
  const seeded = page.getByRole('row').filter({ has: page.getByRole('link', { name: SEEDED, exact: true }) }).filter({ hasText: 'Draft' });
  if (await seeded.count()) await seeded.first().getByRole('link', { name: SEEDED, exact: true }).click();
  else await newDraft(page, `${SEEDED} ${stamp}`);

  // (2) The draft: its settings with the preview as sent, then Send now with the review.
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Draft');
  await expect(page.getByText(/^Preview of “Spring check-up invitation”/)).toBeVisible();
  await expect(page.getByText(new RegExp(`in “${SEGMENT}” today\\.`))).toBeVisible();
  await expectAccessible(page);
  const started = new Date(Date.now() - 2_000);
  await sendNow(page, true);
  const campaignUrl = page.url().replace(/\?.*$/, '');

  // (3) The cron route queues and sends it: Maria's email is sent, the others without consent left out.
  const first = await finishedReport(page);
  expect(first.sent).toBeGreaterThanOrEqual(1);
  expect(first.noConsent).toBeGreaterThanOrEqual(1);
  await expect(page.getByText(/Opens and clicks come from the email provider/)).toBeVisible();
  await expectAccessible(page);

  // (4) Her email (in her language) carries the unsubscribe link; it works signed out.
  const email = await latestOutboxMessage(browser, MARIA, started, /\/portal\/unsubscribe\//);
  expect(email).toMatch(/primavera|spring/i);
  const path = /\/portal\/unsubscribe\/[A-Za-z0-9._-]+/.exec(email)![0];
  await unsubscribeSignedOut(browser, hostUrl('sunrise', path));

  // (5) The report counts her unsubscribe; a second campaign to the segment leaves her out.
  await page.goto(campaignUrl);
  await expect.poll(() => reportCount(page, 'Unsubscribed')).toBeGreaterThanOrEqual(1);
  await newDraft(page, `After the unsubscribe ${stamp}`);
  await sendNow(page);
  const second = await finishedReport(page);
  expect(second.sent).toBe(first.sent - 1);
  expect(second.leftOut).toBe(first.leftOut + 1);
});
