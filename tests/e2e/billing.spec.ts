import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * Issue 16's journey on the test gateway. Maria, on a phone, pays Leo's open invoice (the demo's
 * last check-up): a declined card first (the invoice stays open, the words say why), then a card
 * that needs the bank's check; the receipt appears and prints. She saves a card for Leo and
 * authorises the clinic to charge it for missed visits. At the desk, ops invoice a missed-visit
 * fee, charge the saved card, and refund part of it. The journey pays and adds only Leo's
 * billing, which no other journey reads.
 */

test.describe.configure({ mode: 'serial' });

async function fillCard(page: Page, number: string) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry date (MM/YY)').fill('12/30');
  await page.getByLabel('Security code (CVC)').fill('123');
}

test('Maria pays Leo’s invoice on a phone: a decline, the bank’s check, the receipt; then saves a card with an authorisation', async ({ browser }) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Leo Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');

  const sections = page.getByRole('navigation', { name: 'Portal sections' });
  await sections.getByText('More').click();
  await sections.getByRole('link', { name: 'Billing' }).click();
  await expect(page.getByTestId('billing-balance')).toContainText('$100.00');
  await expectAccessible(page);
  await page.getByTestId('pay-chosen').click();

  // The simulator says so on every screen it appears on.
  await expect(page.getByTestId('test-payments-banner')).toBeVisible();
  await expect(page.getByTestId('pay-total')).toContainText('$100.00');
  await expectAccessible(page);
  await fillCard(page, '4000 0000 0000 0002');
  await page.getByTestId('pay-submit').click();
  await expect(page.getByTestId('billing-form-error')).toContainText('The card was declined by the bank. Try another card.');

  await fillCard(page, '4000 0025 0000 3155');
  await page.getByTestId('pay-submit').click();
  await expect(page.getByTestId('authenticate-form')).toBeVisible();
  await expect(page.getByTestId('test-payments-banner')).toBeVisible();
  await page.getByTestId('authenticate-approve').click();

  await expect(page.getByTestId('payment-heading')).toHaveText(/Receipt R-\d{6}/);
  await expect(page.getByText('Thank you. Your payment was received.')).toBeVisible();
  await expectAccessible(page);
  // The printable receipt: a PDF, fetched as the browser would with the patient's session.
  const pdf = await page.evaluate(async (href) => {
    const r = await fetch(href);
    const head = new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5));
    return { status: r.status, type: r.headers.get('content-type'), cache: r.headers.get('cache-control'), head };
  }, (await page.getByTestId('print-receipt').getAttribute('href'))!);
  expect(pdf).toMatchObject({ status: 200, type: 'application/pdf', head: '%PDF-' });
  expect(pdf.cache).toContain('no-store');

  await page.goto(hostUrl('sunrise', '/portal/billing'));
  await expect(page.getByTestId('billing-balance')).toContainText('Nothing to pay');
  await expect(page.getByTestId('payment-history')).toContainText('$100.00');

  // A card for Leo, with the authorisation the desk needs for a missed-visit fee (up to $80).
  await page.goto(hostUrl('sunrise', '/portal/billing/cards/new'));
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByTestId('authorize-card').check();
  await page.getByTestId('authorize-scope-no_show_fees').check();
  await page.getByTestId('authorize-max-amount').fill('80');
  await expectAccessible(page);
  await page.getByTestId('save-card-submit').click();
  await expect(page.getByTestId('saved-cards')).toContainText('4242');
  await expect(page.getByTestId('card-authorization')).toContainText('missed visits');
  await context.close();
});

test('at the desk: a missed-visit fee charged to the saved card under its authorisation, then partly refunded', async ({ page }) => {
  test.setTimeout(150_000);
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients?q=Leo'));
  await page.getByRole('link', { name: /Leo/ }).first().click();
  await page.getByRole('navigation', { name: 'Chart sections' }).getByRole('link', { name: 'Billing' }).click();
  await expect(page.getByText('Visa •••• 4242, expires 12/2030')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'New invoice' }).click();
  await page.getByLabel('Line 1 kind').selectOption({ label: 'Missed appointment fee' });
  await page.getByLabel('Line 1 description').fill('Missed visit');
  await page.getByLabel('Line 1 unit price').fill('50');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Send invoice' }).click();
  await expect(page.getByText('Sent. The patient is told it is in the portal')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/Invoice INV-\d{6}/);

  await page.getByRole('button', { name: 'Charge card on file' }).click();
  await expect(page.getByText('The card was charged.')).toBeVisible();
  await expect(page.getByText('Paid', { exact: true }).first()).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: /Leo Lopez/ }).first().click();
  const row = page.getByRole('row').filter({ hasText: 'Card on file' });
  await row.locator('summary', { hasText: 'Refund' }).click();
  await row.getByLabel(/Amount to refund/).fill('20');
  await row.getByLabel('Reason').fill('Arrived 10 minutes late, fee reduced');
  await row.getByRole('button', { name: 'Refund' }).click();
  await expect(page.getByText('Refund of $20.00 done.')).toBeVisible();
});
