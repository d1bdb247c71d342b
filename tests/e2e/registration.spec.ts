import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, portalSignIn, sixDigits, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * Issue 19 point 4 on Harbor, whose self-registration needs the clinic's approval (the demo turns
 * it on): a new patient registers on a phone (details, the SMS code, a password) and is told the
 * clinic will confirm; signing in before that says so; an admin approves in EMR → Registrations;
 * the patient is told and signs in.
 */

test.describe.configure({ mode: 'serial' });

const suffix = Date.now().toString(36).slice(-4);
const digits = String(Date.now()).slice(-4);
const patient = {
  first: 'Rowan',
  // Letters only, unique to this run (names take letters, spaces, apostrophes and hyphens).
  last: `Ashby${suffix.replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`,
  ssn: `900-71-${digits}`,
  phone: `+1555557${digits}`,
  email: `rowan.${suffix}@example.test`,
  password: 'Harbor-Register-2026',
};
const fullName = `${patient.first} ${patient.last}`;

test('a new patient registers on Harbor, waits for the clinic, is approved in the EMR and signs in', async ({ browser }) => {
  test.setTimeout(180_000);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();

  await page.goto(hostUrl('harbor', '/portal/sign-in'));
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(hostUrl('harbor', '/portal/register'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create your account');
  await expectAccessible(page);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(wide, 'the form is wider than the phone').toBeLessThanOrEqual(0);

  await page.getByLabel('First name').fill(patient.first);
  await page.getByLabel('Last name').fill(patient.last);
  await page.getByLabel('Date of birth (MM/DD/YYYY)').fill('06/21/1992');
  await page.getByLabel('SSN').fill(patient.ssn);
  await page.getByLabel('Email').fill(patient.email);
  await page.getByLabel('Mobile phone').fill(patient.phone);
  const sent = new Date(Date.now() - 2000);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByLabel('Verification code')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Verification code').fill(sixDigits(await latestOutboxMessage(browser, patient.phone, sent)));
  await page.getByRole('button', { name: 'Verify', exact: true }).click();

  await expect(page.getByLabel('New password')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('New password').fill(patient.password);
  await page.getByLabel('Confirm password').fill(patient.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you for registering' })).toBeVisible();
  await expect(page.getByText(/will check your registration and confirm it/)).toBeVisible();
  await expectAccessible(page);

  // Before the clinic decides, the right password is answered with where things stand.
  await page.goto(hostUrl('harbor', '/portal/sign-in'));
  await page.getByLabel('SSN').fill(patient.ssn);
  await page.getByLabel('Password').fill(patient.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('Your registration is waiting for the clinic’s approval.', { exact: false })).toBeVisible();

  // An admin approves it in the EMR.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { host: 'harbor', area: 'emr', email: 'admin@harbor.test' });
  await staff.getByRole('link', { name: /^Registrations/ }).first().click();
  await expect(staff).toHaveURL(hostUrl('harbor', '/emr/registrations'));
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Registrations');
  await expect(staff.getByRole('article', { name: new RegExp(fullName) })).toBeVisible();
  await expectAccessible(staff);
  const approved = new Date(Date.now() - 2000);
  await staff.getByRole('button', { name: `Approve ${fullName}` }).click();
  await expect(staff.getByText('Approved: the patient can sign in now, and has been told.')).toBeVisible();
  await staffContext.close();

  // The patient is told (naming the clinic only) and signs in with the SMS code.
  expect(await latestOutboxMessage(browser, patient.email, approved, /confirmed your registration/)).not.toContain(patient.last);
  await portalSignIn(page, browser, { host: 'harbor', identifier: patient.ssn, identifierLabel: 'SSN', phone: patient.phone, password: patient.password });
  await page.waitForURL((url) => url.pathname === '/portal');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(patient.first);
  await phone.close();
});
