import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * A clinic whose theme is "System" follows the device: on a device set to dark, the portal and
 * the staff areas draw the dark tokens and every `dark:` style (app/globals.css), and axe's
 * colour-contrast rule (part of the WCAG AA tags expectAccessible runs) passes on them.
 * Harbor is switched to System here and put back to Light afterwards.
 */

/** The clinic's frame (data-theme) has the dark page colour, --surface-muted #111c33. */
async function expectDarkPage(page: Page) {
  const frame = page.locator('[data-theme]').first();
  await expect(frame).toHaveAttribute('data-theme', 'system');
  expect(await frame.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(17, 28, 51)');
}

async function saveTheme(page: Page, theme: 'System' | 'Light') {
  await page.goto(hostUrl('harbor', '/crm/branding'));
  await page.getByRole('radio', { name: new RegExp(`^${theme}`) }).check();
  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByText(/saved/i).first()).toBeVisible();
}

test('a clinic on "System" is dark and AA on a dark device: sign-in, portal home, EMR patients', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await staffSignIn(page, { host: 'harbor', area: 'crm', email: 'admin@harbor.test' });
  await saveTheme(page, 'System');
  try {
    const patient = await browser.newContext({ colorScheme: 'dark' });
    const portal = await patient.newPage();
    // The profile is cached with a tag the save revalidates: poll until the portal shows the new theme.
    await expect.poll(async () => {
      await portal.goto(hostUrl('harbor', '/portal/sign-in'));
      return portal.locator('[data-theme]').first().getAttribute('data-theme');
    }, { timeout: 15_000 }).toBe('system');
    await expectDarkPage(portal);
    await expectAccessible(portal);

    await portalSignIn(portal, browser, { host: 'harbor', identifier: '900123456', identifierLabel: 'SSN', phone: '+15555550202' });
    await expect(portal).toHaveURL(hostUrl('harbor', '/portal'));
    await expectDarkPage(portal);
    await expectAccessible(portal);
    await patient.close();

    // The same admin, now on a dark device, in the EMR's patient list.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(hostUrl('harbor', '/emr/patients'));
    await expect(page.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible();
    await expectDarkPage(page);
    await expectAccessible(page);

    // On a light device the same clinic is light: "System" really follows the device.
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.locator('[data-theme]').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(246, 247, 249)');
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    await saveTheme(page, 'Light');
  }
});
