import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, portalSignIn } from './support/auth';
import { hostUrl, requestOnHost } from './support/hosts';

/**
 * Issue 19 point 7, "Export my data": Maria asks on My data, the cron route's data-exports job
 * builds the ZIP, she is told by email and SMS (the clinic's name and a link, nothing of her
 * record), downloads it once (bundle.json is a FHIR Bundle, the original files are there), and a
 * second click is refused in words. Rerunnable: an export left open by an earlier run is finished
 * first. The request is limited to 3 a day per person and patient (rate_limits key
 * `data-export:<clinic>:<patient>:<account>`): a fourth run on one day stops at that refusal.
 */

const CRON_SECRET = process.env.CRON_SECRET ?? 'dev-only-cron-secret';
const MARIA = { email: 'maria.lopez@sunrise.test', phone: '+15555550101' };

async function runCron() {
  const cron = await requestOnHost('root', '/api/cron/dispatch', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status).toBe(200);
}

const section = (page: Page) => page.getByRole('region', { name: 'Export my data' });
const state = (page: Page) => section(page).getByTestId('data-export-status');

/** Runs the cron route until the export is ready (the job builds it), reloading My data. */
async function untilReady(page: Page) {
  await expect(async () => {
    await runCron();
    await page.reload();
    await expect(state(page)).toHaveAttribute('data-state', 'ready', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
}

async function download(page: Page) {
  const [file] = await Promise.all([page.waitForEvent('download'), section(page).getByRole('button', { name: 'Download my export (ZIP)' }).click()]);
  return file;
}

test('Maria exports her data, is told it is ready, and downloads it once', async ({ page, browser }) => {
  await portalSignIn(page, browser, { host: 'sunrise', identifier: MARIA.email, phone: MARIA.phone });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  // Let the chooser's own navigation finish, or the goto below aborts it (as portal-bookings does).
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  await page.goto(hostUrl('sunrise', '/portal/data'));
  await expect(section(page)).toBeVisible();

  // An earlier run's export still open: finish it so this run starts from a clean state.
  const before = await state(page).getAttribute('data-state');
  if (before === 'preparing') await untilReady(page);
  if (before === 'preparing' || before === 'ready') {
    await download(page);
    await page.reload();
  }

  await expectAccessible(page);
  const asked = new Date(Date.now() - 2000);
  await section(page).getByRole('button', { name: /Prepare my export|Ask for a new export/ }).click();
  // The section comes back in its new state (the request form, and its answer, give way to it).
  await expect(section(page).getByRole('status')).toContainText('Your export is being prepared');
  await page.reload();
  await expect(state(page)).toHaveAttribute('data-state', 'preparing');
  await expect(section(page).getByRole('button', { name: /Download/ })).toHaveCount(0);

  await untilReady(page);
  await expect(state(page)).toContainText('You can download it once, until');
  await expectAccessible(page);

  // Told by email and SMS: the clinic and the link, nothing of the record.
  const notice = /Your data export from .+ is ready/;
  for (const recipient of [MARIA.email, MARIA.phone]) {
    const text = await latestOutboxMessage(browser, recipient, asked, notice);
    expect(text).toContain('/portal/data');
    for (const secret of ['Maria', 'Lopez', 'Blood test']) expect(text).not.toContain(secret);
  }

  const file = await download(page);
  expect(file.suggestedFilename()).toMatch(/^health-record-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = unzipSync(new Uint8Array(await readFile((await file.path())!)));
  expect(Object.keys(zip)).toEqual(expect.arrayContaining(['bundle.json', 'README.txt']));
  const bundle = JSON.parse(Buffer.from(zip['bundle.json']!).toString('utf8'));
  expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
  expect(bundle.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').resource.name[0].family).toBe('Lopez');
  expect(Object.keys(zip).some((name) => name.startsWith('files/documents/'))).toBe(true);

  // The page was not reloaded: a second click on the same button is refused, back on My data, in words.
  await section(page).getByRole('button', { name: 'Download my export (ZIP)' }).click();
  await expect(page).toHaveURL(/\/portal\/data\?export=already-downloaded/);
  await expect(section(page).getByRole('alert')).toHaveText(/This export was already downloaded/);
  await expect(state(page)).toHaveAttribute('data-state', 'downloaded');
  await expectAccessible(page);
});

test('at phone width the export section fits and its button is reachable', async ({ page, browser }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await portalSignIn(page, browser, { host: 'sunrise', identifier: MARIA.email, phone: MARIA.phone });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  // Let the chooser's own navigation finish, or the goto below aborts it (as portal-bookings does).
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  await page.goto(hostUrl('sunrise', '/portal/data'));
  await section(page).scrollIntoViewIfNeeded();
  await expect(section(page)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = await section(page).boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
});
