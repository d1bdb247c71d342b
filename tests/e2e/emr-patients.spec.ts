import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

test('front desk creates a patient, is warned about a duplicate, and edits the record', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients'));
  await page.getByRole('link', { name: 'New patient' }).click();
  await expectAccessible(page);
  const last = `Tester${Date.now().toString(36)}`;
  const fill = async () => {
    await page.getByLabel('First name').fill('Rosa');
    await page.getByLabel('Last name').fill(last);
    await page.getByLabel('Date of birth (MM/DD/YYYY)').fill('03/15/1990');
    await page.getByLabel('Mobile phone').fill('217 555 0177');
  };
  await page.getByLabel('Date of birth (MM/DD/YYYY)').fill('02/30/1990');
  await page.getByRole('button', { name: 'Create patient' }).click();
  await expect(page.getByText('Enter a real date as MM/DD/YYYY.')).toBeVisible();
  await fill();
  await page.getByRole('button', { name: 'Create patient' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Rosa ${last}`);
  await expect(page.getByText('(217) 555-0177')).toBeVisible();

  await page.goto(hostUrl('sunrise', '/emr/patients/new'));
  await fill();
  await page.getByRole('button', { name: 'Create patient' }).click();
  await expect(page.getByText('Possible matches')).toBeVisible();
  await expect(page.getByRole('link', { name: `${last}, Rosa` })).toBeVisible();
  await page.getByRole('link', { name: `${last}, Rosa` }).click();

  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('City').fill('Springfield');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Changes saved.')).toBeVisible();
  await expect(page.getByText('Springfield')).toBeVisible();
  await expectAccessible(page);
});
