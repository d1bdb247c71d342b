import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

// Issue 18 point 2: the Sunrise admin builds "form submitted → wait 1 day → email" in the CRM,
// saves it, tries it on the clinic's last events (the dry run), and switches it on.

test.describe('CRM automations', () => {
  test('the admin builds “form submitted → wait 1 day → email”, dry-runs it and switches it on', async ({ page }) => {
    await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm/automations'));
    await expect(page.getByRole('heading', { level: 1, name: 'Automations' })).toBeVisible();
    // The built-in reminders are there, and on.
    await expect(page.getByRole('link', { name: 'Visit reminder, 24 hours before' })).toBeVisible();
    await expectAccessible(page);

    await page.getByRole('link', { name: 'New automation' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'New automation' })).toBeVisible();
    const name = `Thanks for the form ${Date.now().toString(36)}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Trigger').selectOption({ label: 'A form is submitted' });

    await page.getByLabel('New step').selectOption({ label: 'Wait a while' });
    await page.getByRole('button', { name: 'Add step' }).click();
    await expect(page.getByText('Step 1: Wait')).toBeVisible();
    await page.getByLabel('Wait for').fill('1');
    await page.getByLabel('Unit').selectOption('days');

    await page.getByLabel('New step').selectOption({ label: 'Send an email' });
    await page.getByRole('button', { name: 'Add step' }).click();
    await expect(page.getByText('Step 2: Send an email')).toBeVisible();
    // Any of the clinic's email templates whose placeholders a submitted form can fill: the built-in form reminder.
    const template = page.getByLabel('Template');
    const value = await template.locator('option', { hasText: 'Form due reminder (email)' }).first().getAttribute('value');
    expect(value).toBeTruthy();
    await template.selectOption(value!);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Save automation' }).click();
    await page.waitForURL(/\/crm\/automations\/[0-9a-f-]{36}\?done=created$/);
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(page.getByText('Automation saved as a draft.')).toBeVisible();
    await expect(page.getByText('Step 1: Wait')).toBeVisible();
    await expect(page.getByText('Step 2: Send an email')).toBeVisible();

    // The dry run: the clinic's last "form submitted" events, each with what would have happened.
    await page.getByRole('button', { name: 'Try it on the last 20 events' }).click();
    const results = page.getByRole('region', { name: 'Dry run: “A form is submitted”' });
    await expect(results).toBeVisible();
    await expect(page.getByText(/Nothing was sent or changed\.|Nothing to try it on/)).toBeVisible();
    await expect(results.getByText(/Would wait until|Filtered out|No such events yet/).first()).toBeVisible();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Switch on' }).click();
    await expect(page.getByText('Switched on: it acts on events from now on (not on earlier ones).')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await page.goto(hostUrl('sunrise', '/crm/automations'));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
    await expect(row.getByText('On', { exact: true })).toBeVisible();
    await expect(row.getByText('A form is submitted')).toBeVisible();

    // Paused again, so the demo's later journeys are not sent this journey's emails.
    await row.getByRole('link', { name }).click();
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByText(/^Paused: it starts no new runs, and events while it is paused/)).toBeVisible();
  });
});
