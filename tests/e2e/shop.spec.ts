import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, portalSignIn, sixDigits, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * Issue 17's journey on Harbor's shop (test gateway). A new visitor, on a phone, buys the Clear
 * Skin Program with WELCOME10, creating their account inside the checkout (an SMS code), pays
 * with a simulated card and authorises renewals; then completes what the program requires (the
 * general intake and a photo ID). Staff move the order on and ship it with a USPS number; the
 * patient sees the tracking link and skips the next payment of the subscription.
 */

test.describe.configure({ mode: 'serial' });

// A tiny valid PNG: the photo ID (the upload checks the bytes, not the name).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const suffix = Date.now().toString(36).slice(-4);
const lastName = `Stone${suffix.replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`;
const phoneDigits = String(Date.now()).slice(-4);
const visitor = {
  first: 'Avery', last: lastName, email: `avery.${suffix}@example.test`, phone: `+1555556${phoneDigits}`,
  ssn: `900-66-${phoneDigits}`, password: 'Harbor-Visit-2026',
};
let orderPath = '';
// A USPS number of this run (the demo's James has his own; numbers are unique per carrier).
const tracking = `94001118992234567${phoneDigits}1`;

async function fillCard(page: Page, number: string) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry date (MM/YY)').fill('12/30');
  await page.getByLabel('Security code (CVC)').fill('123');
}

test('a new visitor buys the Clear Skin Program with WELCOME10, creating their account in the checkout, and completes its intake and photo ID', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();

  await page.goto(hostUrl('harbor', '/portal/shop'));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: /Clear Skin Program/ }).first().click();
  await page.waitForURL(/\/portal\/shop\/products\//);
  await expect(page.getByTestId('product-price')).toContainText('$99.00 for the first month, then $149.00 every month');
  await expect(page.getByTestId('product-requirements')).toContainText('General intake');
  await expectAccessible(page);
  await page.getByTestId('add-to-cart').click();
  await page.waitForURL(/\/portal\/shop\/cart/);
  await page.getByTestId('coupon-code').fill('welcome10');
  await page.getByTestId('apply-coupon').click();
  await expect(page.getByText('Code WELCOME10 applied.')).toBeVisible();
  await expect(page.getByText('$89.10')).toBeVisible();
  await expectAccessible(page);

  // No account yet: it is made inside the checkout.
  await page.getByTestId('checkout-join').click();
  await page.waitForURL(/\/portal\/shop\/join/);
  await expectAccessible(page);
  await page.getByLabel('First name').fill(visitor.first);
  await page.getByLabel('Last name').fill(visitor.last);
  await page.getByLabel('Date of birth (MM/DD/YYYY)').fill('03/14/1990');
  await page.getByLabel('Mobile phone').fill(visitor.phone);
  await page.getByLabel('Email').fill(visitor.email);
  await page.getByLabel('SSN').fill(visitor.ssn);
  await page.getByLabel('Password', { exact: true }).fill(visitor.password);
  await page.getByLabel('Confirm password').fill(visitor.password);
  await page.getByRole('checkbox').check();
  const sent = new Date(Date.now() - 2000);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByLabel('Verification code')).toBeVisible();
  await page.getByLabel('Verification code').fill(sixDigits(await latestOutboxMessage(browser, visitor.phone, sent)));
  const verify = page.getByRole('button', { name: 'Verify and create account' });
  if (await verify.isVisible().catch(() => false)) await verify.click().catch(() => {});
  await page.waitForURL((url) => url.pathname === '/portal/shop/checkout', { timeout: 30_000 });

  // Checkout: the discount carried over, shipping, a simulated card, the renewal authorisation.
  await expect(page.getByText('Discount (WELCOME10)')).toBeVisible();
  await expect(page.getByTestId('test-payments-banner')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Street address').fill('12 Harbor Street');
  await page.getByLabel('City').fill('Boston');
  await page.getByLabel('State or region (optional)').fill('MA');
  await page.getByLabel('ZIP or postal code').fill('02110');
  await page.getByLabel('Country').fill('US');
  await fillCard(page, '4242 4242 4242 4242');
  await page.getByTestId('authorize-subscription').check();
  await page.getByTestId('checkout-submit').click();

  // Paid: the order's next steps list what the program needs.
  const steps = page.getByTestId('next-steps');
  await expect(steps).toBeVisible({ timeout: 20_000 });
  orderPath = new URL(page.url()).pathname;
  await expectAccessible(page);

  // The photo ID.
  await steps.getByRole('link', { name: /Photo ID/ }).click();
  await page.getByLabel(/file|photo/i).first().setInputFiles({ name: 'photo-id.png', mimeType: 'image/png', buffer: PNG });
  await page.getByTestId('requirement-upload-submit').click();
  await expect(page.getByTestId('next-steps')).toBeVisible({ timeout: 15_000 });

  // The general intake.
  await page.getByTestId('next-steps').getByRole('link', { name: /General intake/ }).click();
  await page.getByLabel(/^Date of birth/).fill('1990-03-14');
  await page.getByLabel(/^Mobile phone/).fill(visitor.phone);
  await page.getByRole('group', { name: /Do you take any medication/ }).getByRole('radio', { name: 'No' }).check();
  await page.getByRole('group', { name: /Do you have any allergies/ }).getByRole('radio', { name: 'No' }).check();
  // The emergency contact (the only "Full name" and "Phone" of the form).
  await page.getByLabel(/^Full name/).fill('Jordan Stone');
  await page.getByLabel(/^Phone/).fill('+16175550144');
  const signature = page.getByRole('group', { name: /I agree to the statement above/ });
  await signature.getByLabel('Your full name').fill(`${visitor.first} ${visitor.last}`);
  const canvas = signature.getByRole('img', { name: 'Signature drawing area' });
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.3, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await expect(signature.getByText('Signature drawn.')).toBeVisible();
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByText('Thank you. The form was sent to the clinic.')).toBeVisible();

  await page.goto(hostUrl('harbor', orderPath.replace(/^\/portal\/shop\/checkout\//, '/portal/orders/')));
  await expect(page.getByRole('main').getByText('Being reviewed by the clinic').first()).toBeVisible();
  await context.close();
});

test('staff review and ship the order; the patient sees tracking and skips the next payment', async ({ browser }) => {
  test.setTimeout(150_000);
  const orderId = orderPath.split('/').pop()!;
  expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { host: 'harbor', area: 'emr', email: 'admin@harbor.test' });
  await staff.goto(hostUrl('harbor', `/emr/orders/${orderId}`));
  await expect(staff.getByRole('heading', { level: 1 })).toContainText('ORD-');
  await expectAccessible(staff);
  await staff.getByLabel('Move to').selectOption({ label: 'Awaiting fulfilment' });
  await staff.getByRole('button', { name: 'Move order' }).click();
  await expect(staff.getByLabel('Tracking number')).toBeVisible();
  await staff.getByLabel('Carrier').selectOption('usps');
  await staff.getByLabel('Tracking number').fill(tracking.replace(/(\d{4})/g, '$1 ').trim());
  await staff.getByRole('button', { name: 'Add shipment' }).click();
  await expect(staff.getByRole('link', { name: new RegExp(tracking) })).toBeVisible();
  await staffContext.close();

  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await portalSignIn(page, browser, { host: 'harbor', identifier: visitor.ssn, identifierLabel: 'SSN', phone: visitor.phone, password: visitor.password });
  await page.waitForURL((url) => !url.pathname.includes('/sign-in'));
  await page.goto(hostUrl('harbor', `/portal/orders/${orderId}`));
  await expect(page.getByRole('main').getByText('On its way').first()).toBeVisible();
  const track = page.getByRole('link', { name: /Track with USPS/ });
  await expect(track).toHaveAttribute('href', new RegExp(`usps\\.com.*${tracking}`));
  await expectAccessible(page);

  await page.goto(hostUrl('harbor', '/portal/subscriptions'));
  await page.getByRole('link', { name: /Clear Skin Program/ }).first().click();
  await expect(page.getByTestId('subscription-status')).toContainText('Active');
  await expectAccessible(page);
  await page.getByRole('button', { name: /^Skip the payment on/ }).click();
  await expect(page.getByText('Done: the next payment is skipped.')).toBeVisible();
  await context.close();
});
