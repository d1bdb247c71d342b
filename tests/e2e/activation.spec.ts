import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, portalSignIn, sixDigits, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

const NEW_PASSWORD = 'Sunrise-Portal-77';

test('printed activation: portal ID, initials and date of birth, then password and SMS code, and signed in', async ({ page, browser }) => {
  await page.goto(hostUrl('sunrise', '/portal/sign-in'));
  await page.getByRole('link', { name: 'Activate account' }).click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/activate'));
  await expectAccessible(page);
  await page.getByLabel('Portal ID').fill('482913');
  await page.getByLabel('First initial of first name').fill('r');
  await page.getByLabel('First initial of last name').fill('C');
  await page.getByLabel('Date of birth (MM/DD/YYYY)').fill('01/27/1954');
  await page.getByRole('button', { name: 'Confirm' }).click();

  await page.getByLabel('Email').fill('robert.chen@example.test');
  await page.getByLabel('New password').fill(NEW_PASSWORD);
  await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
  const sent = new Date(Date.now() - 2000);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByLabel('Verification code')).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Verification code').fill(sixDigits(await latestOutboxMessage(browser, '+15555550103', sent)));
  await page.getByRole('button', { name: 'Verify and activate' }).click();
  // Signed in by the code just verified: the portal home, not the sign-in page and a second code.
  await page.waitForURL((url) => url.pathname === '/portal');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Robert');
  await expectAccessible(page);
  expect(await outboxCount(browser, '+15555550103', sent)).toBe(1);

  // The portal ID worked once.
  await page.goto(hostUrl('sunrise', '/portal/activate'));
  await page.getByLabel('Portal ID').fill('482913');
  await page.getByLabel('First initial of first name').fill('R');
  await page.getByLabel('First initial of last name').fill('C');
  await page.getByLabel('Date of birth (MM/DD/YYYY)').fill('01/27/1954');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByLabel('New password')).toHaveCount(0);
});

test('automatic access: a harbor patient claims an account with national ID and SMS code', async ({ page, browser }) => {
  await page.goto(hostUrl('harbor', '/portal/sign-in'));
  await page.getByRole('link', { name: 'Set up your account' }).click();
  await expect(page).toHaveURL(hostUrl('harbor', '/portal/claim'));
  await expectAccessible(page);
  await page.getByLabel('SSN').fill('900-12-3457');
  const sent = new Date(Date.now() - 2000);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByLabel('Verification code')).toBeVisible();
  await page.getByLabel('Verification code').fill(sixDigits(await latestOutboxMessage(browser, '+15555550203', sent)));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByLabel('New password').fill('Harbor-Skin-2026');
  await page.getByLabel('Confirm password').fill('Harbor-Skin-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/portal\/sign-in\?reason=activated/);
});

test('email invite: staff invite a patient from the chart, who sets a password and confirms the phone', async ({ page, browser }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients?q=Olivia'));
  await page.getByRole('link', { name: /^Nguyen, Olivia$|, Olivia$/ }).first().click();
  await page.getByRole('link', { name: 'Patient Portal' }).click();
  await expectAccessible(page);
  const email = (await page.getByLabel('Email to invite').inputValue()) || 'olivia.invite@example.test';
  await page.getByLabel('Email to invite').fill(email);
  await page.getByRole('button', { name: 'Invite to portal' }).click();
  await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();

  const mail = await latestOutboxMessage(browser, email);
  expect(mail).not.toMatch(/Olivia|Nguyen/);
  const link = /https?:\/\/\S+\/portal\/invite\/[\w-]+/.exec(mail)![0];
  const patient = await (await browser.newContext()).newPage();
  await patient.goto(link);
  await expectAccessible(patient);
  await patient.getByLabel('New password').fill(NEW_PASSWORD);
  await patient.getByLabel('Confirm password').fill(NEW_PASSWORD);
  const sent = new Date(Date.now() - 2000);
  await patient.getByRole('button', { name: 'Continue' }).click();
  await expect(patient.getByLabel('Verification code')).toBeVisible();
  const sms = await latestOutboxMessage(browser, await patientPhone(page), sent);
  await patient.getByLabel('Verification code').fill(sixDigits(sms));
  await patient.getByRole('button', { name: 'Verify and create account' }).click();
  await expect(patient).toHaveURL(/\/portal\/sign-in\?reason=activated/);

  // The link works once.
  await patient.goto(link);
  await expect(patient.getByText(/already been used/)).toBeVisible();

  // And the new account signs in like any other.
  await portalSignIn(patient, browser, { host: 'sunrise', identifier: email, phone: await patientPhone(page), password: NEW_PASSWORD });
  await expect(patient).toHaveURL(hostUrl('sunrise', '/portal'));
});

/** How many messages the dev outbox holds for `recipient` since `after`. */
async function outboxCount(browser: import('@playwright/test').Browser, recipient: string, after: Date): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(hostUrl('root', '/dev/outbox'));
    const times = await page.locator(`[data-testid="outbox-message"][data-recipient="${recipient}"] time`)
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('datetime')));
    return times.filter((t) => t && new Date(t) >= after).length;
  } finally {
    await context.close();
  }
}

/** The E.164 phone of the patient whose chart `page` shows, from the Details tab. */
async function patientPhone(page: import('@playwright/test').Page): Promise<string> {
  const chart = page.url().replace(/\/portal.*$/, '');
  const details = await page.context().newPage();
  await details.goto(chart);
  const shown = await details.locator('dt:text-is("Phone") + dd').innerText();
  await details.close();
  return `+1${shown.replace(/\D/g, '')}`;
}
