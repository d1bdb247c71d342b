import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { E2E_PORT, hostUrl } from './support/hosts';

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

test.describe('CRM configuration', () => {
  test('the admin changes the primary colour and logo, and the portal shows them on the next load', async ({ page, browser }) => {
    await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm/branding'));
    await expectAccessible(page);

    // A colour too light for white text is refused with a suggestion.
    await page.getByLabel('Primary colour', { exact: true }).fill('#a7f3d0');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect(page.getByText(/4\.5:1/).first()).toBeVisible();
    // The live check shows the ratio before the server answers: wait for the answer, or the form's
    // reset after it can overwrite the next colour typed while it was on its way.
    await expect(page.getByRole('button', { name: 'Save branding' })).toBeEnabled();

    await page.getByLabel('Primary colour', { exact: true }).fill('#7c3aed');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect(page.getByText(/saved/i).first()).toBeVisible();

    await page.locator('input[type="file"]').first().setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await expect(page.getByText(/logo/i).filter({ hasText: /saved|updated|uploaded/i }).first()).toBeVisible();

    const patient = await (await browser.newContext()).newPage();
    await patient.goto(hostUrl('sunrise', '/portal/sign-in'));
    const banner = patient.locator('section.bg-brand').first();
    expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(124, 58, 237)');
    await expect(patient.locator('header img').first()).toHaveAttribute('src', /\/api\/branding\//);

    // Put the demo colour back for the other journeys, and wait until the portal shows it: the
    // "saved" notice of the previous save is still on screen, so it proves nothing here.
    await page.getByLabel('Primary colour', { exact: true }).fill('#0f766e');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await expect.poll(async () => {
      await patient.reload();
      return banner.evaluate((el) => getComputedStyle(el).backgroundColor);
    }, { timeout: 15_000 }).toBe('rgb(15, 118, 110)');
  });

  test('the admin adds and verifies a custom domain, and the portal answers on it', async ({ page }) => {
    await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm/domains'));
    await expectAccessible(page);
    const domain = `portal-${Date.now().toString(36)}.e2e-custom.test`;
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    await expect(page.getByText(`_carebridge-verify.${domain}`)).toBeVisible();

    const before = await page.context().newPage();
    const refused = await before.goto(`http://${domain}:${E2E_PORT}/portal/sign-in`);
    expect(refused?.status()).toBe(404);

    await page.getByRole('button', { name: `Verify ${domain}` }).click();
    await expect(page.getByText(`${domain} is verified and now routes to your clinic.`)).toBeVisible();
    await before.goto(`http://${domain}:${E2E_PORT}/portal/sign-in`);
    await expect(before.getByRole('heading', { level: 1 })).toHaveText('Welcome to Sunrise Family Clinic');
  });

  test('the admin creates a custom access level made of named permissions', async ({ page }) => {
    await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm/access-levels'));
    await expectAccessible(page);
    const name = `Billing ${Date.now().toString(36)}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create level' }).click();
    await expect(page.getByRole('columnheader', { name })).toBeVisible();
    await page.getByLabel(`${name}: Open the EMR portal`).check();
    await page.getByLabel(`${name}: View patients and their charts`).check();
    await page.getByRole('button', { name: 'Save permissions' }).click();
    // Reload only once the server says it saved: a reload mid-request would discard the save.
    await expect(page.getByText(/^Saved 1 level\./)).toBeVisible();
    await expect(page.getByLabel(`${name}: View patients and their charts`)).toBeChecked();
    await page.reload();
    await expect(page.getByLabel(`${name}: View patients and their charts`)).toBeChecked();
    await expect(page.getByLabel(`${name}: Change clinic settings and branding`)).not.toBeChecked();
    await expect(page.getByLabel('Admin: Open the CRM portal')).toBeDisabled();
  });
});
