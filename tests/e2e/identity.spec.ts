import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { DEMO_PASSWORD, latestOutboxMessage, portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

test.describe('patient sign-in', () => {
  test('Maria signs in with the SMS code and switches between herself and Leo', async ({ page, browser }) => {
    await page.goto(hostUrl('sunrise', '/portal/sign-in'));
    await expectAccessible(page);
    await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });

    await expect(page).toHaveURL(hostUrl('sunrise', '/portal/select-patient'));
    await expect(page.getByRole('heading', { name: 'Who are you acting for?' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: /Leo Lopez/ }).click();
    await expect(page).toHaveURL(hostUrl('sunrise', '/portal'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');
    await expect(page.getByText('You are acting as parent of Leo.')).toBeVisible();

    await page.getByLabel('Acting for').selectOption({ label: 'Maria Lopez' });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/portal\/sign-in\?reason=signed-out/);
    await page.goto(hostUrl('sunrise', '/portal'));
    await expect(page).toHaveURL(/\/portal\/sign-in/);
  });

  test('wrong password and wrong code give precise messages that reveal nothing', async ({ page, browser }) => {
    await page.goto(hostUrl('sunrise', '/portal/sign-in'));
    await page.getByLabel('Email').fill('nobody@example.test');
    await page.getByLabel('Password').fill('Wrong-password1');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByText('The email or password is not correct. Check both and try again.')).toBeVisible();

    await page.getByLabel('Email').fill('maria.lopez@sunrise.test');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByLabel('Verification code')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Resend code' })).toBeDisabled();
    await expect(page.getByText(/You can resend in 0:5\d|You can resend in 1:00/)).toBeVisible();
    await page.getByLabel('Verification code').fill('12');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect(page.getByText('Enter the 6 digits from the SMS.')).toBeVisible();
    const real = await latestOutboxMessage(browser, '+15555550101');
    const wrong = real.includes('000000') ? '111111' : '000000';
    await page.getByLabel('Verification code').fill(wrong);
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await expect(page.getByText('That code is not correct. 4 tries left.')).toBeVisible();
  });

  test('the harbor portal asks for the SSN and signs James in', async ({ page, browser }) => {
    await portalSignIn(page, browser, { host: 'harbor', identifier: '900-12-3456', identifierLabel: 'SSN', phone: '+15555550202' });
    await expect(page).toHaveURL(hostUrl('harbor', '/portal'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, James');
  });

  test('a session cookie from sunrise is worth nothing on harbor', async ({ page, browser, context }) => {
    await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
    await expect(page).toHaveURL(/\/portal(\/select-patient)?$/);
    const cookies = await context.cookies(hostUrl('sunrise', '/'));
    const session = cookies.find((c) => c.name === 'cb.portal');
    expect(session, 'portal session cookie').toBeTruthy();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe('Lax');
    // Host-only: the browser would never send it to harbor; replay it there by hand.
    await context.addCookies([{ ...session!, domain: 'harbor.localhost', path: '/' }]);
    await page.goto(hostUrl('harbor', '/portal'));
    await expect(page).toHaveURL(/harbor\.localhost:\d+\/portal\/sign-in/);
  });

  test('an idle patient is warned, can stay, and is then signed out with an explanation', async ({ page, browser }) => {
    test.setTimeout(120_000);
    await portalSignIn(page, browser, { host: 'harbor', identifier: '900123456', identifierLabel: 'SSN', phone: '+15555550202' });
    await expect(page).toHaveURL(hostUrl('harbor', '/portal'));
    const dialog = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await expect(dialog).toBeVisible({ timeout: 40_000 });
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    await expect(dialog).toBeHidden();
    await expect(dialog).toBeVisible({ timeout: 40_000 });
    await expect(page).toHaveURL(/\/portal\/sign-in\?reason=idle/, { timeout: 30_000 });
    await expect(page.getByText('You were signed out after a period of inactivity')).toBeVisible();
  });
});

test.describe('staff sign-in and access', () => {
  test('an admin signs in to the EMR with an authenticator code', async ({ page }) => {
    await page.goto(hostUrl('sunrise', '/emr/patients'));
    await expect(page).toHaveURL(/\/emr\/sign-in\?next=%2Femr%2Fpatients/);
    await expectAccessible(page);
    await staffSignIn(page, { area: 'emr', email: 'admin@sunrise.test', navigate: false });
    await expect(page).toHaveURL(hostUrl('sunrise', '/emr/patients'));
    await expect(page.getByRole('heading', { name: 'Patients' })).toBeVisible();
    await page.getByLabel('Search patients').fill('Lopez');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('cell', { name: 'Lopez, Maria' })).toBeVisible();
    await expectAccessible(page);
  });

  test('a Marketing user reaches the CRM but never patient data', async ({ page }) => {
    await staffSignIn(page, { area: 'crm', email: 'marketing@sunrise.test' });
    await expect(page).toHaveURL(hostUrl('sunrise', '/crm'));
    await expect(page.getByRole('link', { name: 'Open EMR' })).toHaveCount(0);
    for (const path of ['/emr', '/emr/patients', '/emr/patients?q=Lopez']) {
      const response = await page.goto(hostUrl('sunrise', path));
      expect(response?.status()).toBe(403);
      await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
      await expect(page.getByText('Lopez')).toHaveCount(0);
    }
  });

  test('an admin invites a colleague who sets a password and enrols an authenticator', async ({ page, browser }) => {
    await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
    await page.goto(hostUrl('sunrise', '/crm/users'));
    const email = `new.nurse.${Date.now()}@sunrise.test`;
    await page.getByLabel('Name').fill('Nora Nurse');
    await page.getByLabel('Email').fill(email);
    // Nothing is preselected; choosing a level shows what it allows, which the admin confirms.
    await expect(page.getByLabel('Access level', { exact: true })).toHaveValue('');
    await page.getByLabel('Access level', { exact: true }).selectOption({ label: 'Support' });
    await expect(page.getByText('Support can:')).toBeVisible();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByText('Confirm that you have checked what this access level allows.')).toBeVisible();
    await page.getByLabel('I have checked what this access level allows').check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByText(`Invitation sent to ${email}`)).toBeVisible();
    await expectAccessible(page);

    const mail = await latestOutboxMessage(browser, email);
    const link = /https?:\/\/\S+\/staff\/invite\/[\w-]+/.exec(mail)![0];
    const newcomer = await (await browser.newContext()).newPage();
    await newcomer.goto(link);
    await newcomer.getByLabel('New password').fill('Wellness-Plan-2026');
    await newcomer.getByLabel('Confirm password').fill('Wellness-Plan-2026');
    await newcomer.getByRole('button', { name: 'Set password' }).click();
    await expect(newcomer).toHaveURL(/\/emr\/sign-in\?reason=invite-accepted/);
    // The link works once.
    await newcomer.goto(link);
    await expect(newcomer.getByRole('heading', { name: 'This invitation can’t be used' })).toBeVisible();

    await newcomer.goto(hostUrl('sunrise', '/emr/sign-in'));
    await newcomer.getByLabel('Email').fill(email);
    await newcomer.getByLabel('Password').fill('Wellness-Plan-2026');
    await newcomer.getByRole('button', { name: 'Continue' }).click();
    await expect(newcomer.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
    const secret = (await newcomer.locator('code').innerText()).trim();
    const { TOTP } = await import('otpauth');
    await newcomer.getByLabel('Authentication code').fill(new TOTP({ secret }).generate());
    await newcomer.getByRole('button', { name: 'Confirm and sign in' }).click();
    await expect(newcomer).toHaveURL(hostUrl('sunrise', '/emr'));
    await expect(newcomer.getByRole('heading', { name: 'Welcome, Nora Nurse' })).toBeVisible();

    // Deactivating her ends her session at once.
    await page.reload();
    await page.getByRole('button', { name: 'Deactivate Nora Nurse' }).click();
    await expect(page.getByText('User deactivated and signed out everywhere.')).toBeVisible();
    await newcomer.goto(hostUrl('sunrise', '/emr'));
    await expect(newcomer).toHaveURL(/\/emr\/sign-in/);
  });
});
