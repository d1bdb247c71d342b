import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * CRM → SMS usage (issue 19 point 3): Harbor's admin finds the page in the CRM's navigation, sees
 * this month's count and cost estimate, is told beside the field when a budget is not a number,
 * saves a budget (the bar appears) and takes it away again, so the other journeys' texts are
 * never held by it.
 */
test('the admin sets and removes the clinic’s monthly SMS budget', async ({ page }) => {
  await staffSignIn(page, { host: 'harbor', area: 'crm', email: 'admin@harbor.test' });
  await page.goto(hostUrl('harbor', '/crm'));
  await page.getByRole('link', { name: 'SMS usage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'SMS usage' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^This month \(/ })).toBeVisible();
  await expect(page.getByTestId('sms-month').getByText('Estimated cost')).toBeVisible();
  await expect(page.getByTestId('sms-budget-state')).toHaveText(/No monthly budget/);
  await expectAccessible(page);

  const budget = page.getByLabel('Monthly budget (text messages)');
  await budget.fill('plenty');
  await page.getByRole('button', { name: 'Save SMS budget and limits' }).click();
  await expect(page.getByText('Enter the monthly budget (messages) as a whole number from 1 to 10,000,000, or leave it empty for no budget.')).toBeVisible();

  await budget.fill('50,000');
  await page.getByRole('button', { name: 'Save SMS budget and limits' }).click();
  await expect(page.getByText('SMS budget and limits saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByText(/ of 50,000 messages \(\d+ %\)/)).toBeVisible();
  await expect(page.getByLabel('Monthly budget (text messages)')).toHaveValue('50000');
  await expectAccessible(page);

  await page.getByLabel('Monthly budget (text messages)').fill('');
  await page.getByRole('button', { name: 'Save SMS budget and limits' }).click();
  await expect(page.getByText('SMS budget and limits saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('sms-budget-state')).toHaveText(/No monthly budget/);
});
