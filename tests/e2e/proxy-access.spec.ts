import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * Issue 19, proxy access with age rules: a child of Maria's turns 12 and her access narrows.
 *
 * The e2e server is a separate production process whose clock cannot be moved from the test, so
 * the birthday moves instead: staff set the date of birth of Ana Lopez (SUN-10004, the demo's
 * second child of Maria, linked 'parent' with the full scope) in the e2e database, through the
 * EMR's own edit form, to twelve years before today in the clinic's zone, so that today is her
 * 12th birthday. The seeded date is put back at the end, so other journeys meet the demo as seeded.
 */

const CLINIC_ZONE = 'America/Chicago'; // Sunrise's locations

/** Today's date in the clinic's zone, as YYYY-MM-DD. */
function clinicToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: CLINIC_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The EMR form's date: MM/DD/YYYY. */
function formDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${m}/${d}/${y}`;
}

async function setDateOfBirth(staff: Page, chartUrl: string, value: string) {
  await staff.goto(`${chartUrl}/edit`);
  await staff.getByLabel('Date of birth (MM/DD/YYYY)').fill(value);
  await staff.getByRole('button', { name: 'Save changes' }).click();
  await expect(staff.getByText('Changes saved.')).toBeVisible();
}

test('Ana turns 12 today: Maria, acting for her, reaches only bookings, messages and billing, and is told why', async ({ browser }) => {
  const staff = await (await browser.newContext()).newPage();
  await staffSignIn(staff, { area: 'emr', email: 'ops@sunrise.test' });
  await staff.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10004'));
  await staff.getByRole('link', { name: 'Lopez, Ana' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Ana Lopez');
  const chartUrl = staff.url().replace(/\/$/, '');
  await staff.goto(`${chartUrl}/edit`);
  const seeded = await staff.getByLabel('Date of birth (MM/DD/YYYY)').inputValue();

  const today = clinicToday();
  const twelfthBirthday = `${Number(today.slice(0, 4)) - 12}${today.slice(4)}`;
  // Before the birthday: Maria, acting for Ana (11), opens her documents like any other part.
  const maria = await (await browser.newContext()).newPage();
  await portalSignIn(maria, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await maria.getByRole('button', { name: /^Ana Lopez/ }).click();
  await expect(maria.getByRole('heading', { level: 1 })).toHaveText('Ana Lopez');
  await maria.goto(hostUrl('sunrise', '/portal/documents'));
  await expect(maria).toHaveURL(hostUrl('sunrise', '/portal/documents'));
  try {
    await setDateOfBirth(staff, chartUrl, formDate(twelfthBirthday));

    // Staff see the link's state today and why, on the chart's Patient Portal tab.
    await staff.goto(`${chartUrl}/portal`);
    const mariaLink = staff.getByRole('listitem').filter({ hasText: 'Maria Lopez' });
    await expect(mariaLink.getByText('Limited today')).toBeVisible();
    await expect(mariaLink.getByText('Ana is 12 and has not agreed in the portal to more than appointments, messages and bills.')).toBeVisible();
    await expectAccessible(staff);

    // The same session, next request: Ana's documents are refused, back to the home, which says so.
    await maria.goto(hostUrl('sunrise', '/portal/documents'));
    await expect(maria).toHaveURL(/\/portal\?unavailable=documents$/);
    await expect(maria.getByText(/not included in your access for Ana/)).toBeVisible();

    // The profile chooser and the header's selector say why Ana is limited.
    await maria.goto(hostUrl('sunrise', '/portal/select-patient'));
    await expect(maria.getByRole('button', { name: /^Ana Lopez.*limited until Ana agrees/ })).toBeVisible();
    await maria.getByRole('button', { name: /^Maria Lopez/ }).click();
    // The chooser's own navigation first: its heading "Who are you acting for?" also matches the label.
    await expect(maria.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
    const selector = maria.getByLabel('Acting for', { exact: true });
    await expect(selector.locator('option', { hasText: 'Ana Lopez' })).toHaveText('Ana Lopez (limited until Ana agrees)');
    await selector.selectOption({ label: 'Ana Lopez (limited until Ana agrees)' });
    await expect(maria.getByRole('heading', { level: 1 })).toHaveText('Ana Lopez');

    // Only bookings, messages and billing are offered.
    const sections = maria.getByRole('navigation', { name: 'Portal sections' });
    await expect(sections.getByRole('link', { name: 'Bookings' })).toBeVisible();
    await expect(sections.getByRole('link', { name: /^Messages/ })).toBeVisible();
    await expect(sections.getByRole('link', { name: 'Documents', exact: true })).toHaveCount(0);
    await expect(sections.getByRole('link', { name: 'Forms', exact: true })).toHaveCount(0);
    await sections.getByText('More').click();
    await expect(sections.getByRole('link', { name: 'Billing' })).toBeVisible();
    await expect(sections.getByRole('link', { name: 'My data' })).toHaveCount(0);

    // My relationships explains it in full and lists no documents.
    await maria.goto(hostUrl('sunrise', '/portal/relationships'));
    const actsFor = maria.getByRole('region', { name: 'People you act for' });
    await expect(actsFor.getByText('Limited to appointments, messages and bills: Ana is 12 and has not agreed to more.')).toBeVisible();
    await expect(actsFor.getByText('appointments, messages, bills and payments', { exact: true })).toBeVisible();
    await expect(maria.getByRole('region', { name: 'Documents you can see' })).toHaveCount(0);
    await expectAccessible(maria);

    // Bookings still work for her.
    await sections.getByRole('link', { name: 'Bookings' }).click();
    await expect(maria).toHaveURL(hostUrl('sunrise', '/portal/bookings'));
  } finally {
    await setDateOfBirth(staff, chartUrl, seeded);
  }
});
