import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * The staff home pages (issue 20 point 5): the EMR overview starts the day (today's visits, the
 * person's work lists, each linking to its page); the CRM overview shows setup steps or the clinic
 * at a glance. Read-only journeys: they change nothing but the browser context's remembered location.
 */

test.describe('EMR overview', () => {
  test("the front desk sees a location's day, chooses another, and the choice is remembered", async ({ page }) => {
    await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/emr'));
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Jordan Lee' })).toBeVisible();
    const today = page.getByRole('region', { name: /^Today · / });
    await expect(today).toBeVisible();
    // The first location by name, unless this device chose another (a new browser context: none).
    await expect(today.getByText(/Visits at .+: \d+ visits?/)).toBeVisible();
    // The work lists of an operations level, each with the way to its page.
    for (const name of ['Unread messages', 'Forms to review', 'Your tasks']) {
      await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
    }
    await expectAccessible(page);

    // Choose Riverside: without JavaScript too it is a plain form post.
    await today.getByLabel('Show', { exact: true }).selectOption({ label: 'Riverside' });
    await today.getByRole('button', { name: 'Show day' }).click();
    await expect(page).toHaveURL(/\/emr\?schedule=[0-9a-f-]{36}$/);
    await expect(today.getByText(/Visits at Riverside: \d+ visits?/)).toBeVisible();

    // Back to the overview from the menu: still Riverside (the device remembers it).
    await page.goto(hostUrl('sunrise', '/emr'));
    await expect(page.getByRole('region', { name: /^Today · / }).getByText(/Visits at Riverside/)).toBeVisible();
  });

  test("each section's link opens its full page", async ({ page }) => {
    await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
    for (const [link, heading] of [['Open messages', 'Messages'], ['Open forms', 'Forms'], ['Open tasks', 'Tasks'], ['Open the schedule', 'Schedule']] as const) {
      await page.goto(hostUrl('sunrise', '/emr'));
      await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Jordan Lee' })).toBeVisible();
      await page.getByRole('link', { name: link, exact: true }).first().click();
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    }
  });

  test('a provider sees their own visits; support sees no forms to review', async ({ page, browser }) => {
    await staffSignIn(page, { area: 'emr', email: 'dr.kim@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/emr'));
    const today = page.getByRole('region', { name: /^Today · / });
    await expect(today.getByText(/Your visits: \d+ visits?/)).toBeVisible();
    await expect(today.getByLabel('Show', { exact: true })).toHaveValue('mine');
    // Every visit listed links to its appointment page.
    const visits = today.getByTestId('home-visit');
    if (await visits.count()) await expect(visits.first().getByRole('link')).toHaveAttribute('href', /\/emr\/schedule\/appointments\/[0-9a-f-]{36}$/);
    await expectAccessible(page);

    const support = await (await browser.newContext()).newPage();
    await staffSignIn(support, { area: 'emr', email: 'support@sunrise.test' });
    await support.goto(hostUrl('sunrise', '/emr'));
    await expect(support.getByRole('heading', { level: 2, name: 'Unread messages' })).toBeVisible();
    await expect(support.getByRole('heading', { level: 2, name: 'Forms to review' })).toHaveCount(0);
    await expect(support.getByRole('heading', { level: 2, name: 'Registrations' })).toHaveCount(0);
  });
});

test.describe('CRM overview', () => {
  test('the admin sees the setup steps with links, or the clinic at a glance once set up', async ({ page }) => {
    await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm'));
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Alex Morgan' })).toBeVisible();
    const setup = page.getByRole('region', { name: 'Set up the clinic' });
    const glance = page.getByRole('region', { name: 'The clinic at a glance' });
    // Other journeys may have saved the portal settings meanwhile: either view is right.
    await expect(setup.or(glance)).toBeVisible();
    await expectAccessible(page);
    if (await setup.isVisible()) {
      await expect(setup.getByText(/\d of \d+ done\./)).toBeVisible();
      // The demo clinic is branded, has locations, services, providers with hours and a team.
      for (const step of ['branding', 'locations', 'services', 'providers', 'staff']) {
        await expect(setup.locator(`[data-step="${step}"]`)).toHaveAttribute('data-done', 'true');
      }
      await setup.getByRole('link', { name: /Open portal settings/ }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Patient portal settings' })).toBeVisible();
    } else {
      await glance.getByRole('link', { name: /Open patients/ }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Patients' })).toBeVisible();
    }
  });

  test('marketing sees neither setup steps nor patient numbers', async ({ page }) => {
    await staffSignIn(page, { area: 'crm', email: 'marketing@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm'));
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Casey Brooks' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Set up the clinic' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'The clinic at a glance' })).toHaveCount(0);
    await expectAccessible(page);
  });
});
