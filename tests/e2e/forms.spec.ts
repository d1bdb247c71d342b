import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, portalSignIn, sixDigits, staffSignIn } from './support/auth';
import { hostUrl, requestOnHost } from './support/hosts';

/**
 * Issue 15's journey: the Sunrise admin builds a consent form with a conditional question, a
 * field feeding the record and a signature, and publishes it; ops create a fresh patient and
 * invite them to the portal with the form ticked; the patient fills half on a phone, reloads,
 * finishes, signs and submits; the PDF is filed in the portal's and the chart's documents; ops
 * accept the new address from Forms → To review. The journey makes its own form, patient and
 * account, so the demo data other journeys read is untouched.
 */

const CRON_SECRET = process.env.CRON_SECRET ?? 'dev-only-cron-secret';
const PASSWORD = 'Sunrise-Forms-2026';
const PHONE_DISPLAY = '217 555 0164';
const PHONE = '+12175550164';
const ADDRESS = '42 Orchard Lane';

const QUESTION_YES_NO = 'Do you take any medicines?';
const QUESTION_CONDITIONAL = 'Which medicines do you take?';
const QUESTION_ADDRESS = 'Street address';
const CONSENT = 'I agree that the clinic may use the answers on this form to plan my care.';

test('a consent form built in the CRM, given with the portal invite, filled on a phone, filed as a PDF, its address accepted', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const title = `Treatment consent ${stamp}`;
  const first = 'Ines';
  const last = `Formtest${stamp}`;
  const email = `ines.${stamp}@example.test`;

  // (1) The admin builds the form.
  await staffSignIn(page, { area: 'crm', email: 'admin@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/crm/forms'));
  const newForm = page.getByRole('region', { name: 'New form' });
  await newForm.getByLabel('Kind').selectOption({ label: 'Consent' });
  await newForm.getByLabel('Title').fill(title);
  await newForm.getByRole('button', { name: 'Create and open the builder' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await page.waitForLoadState('networkidle');

  const inspector = page.getByRole('region', { name: 'Selected field' });
  const newType = page.getByLabel('New field type');
  const addButton = page.getByRole('button', { name: 'Add field at the end' });
  // The inspector's heading names the selected field: a new one is "Untitled <type>".
  const addField = async (type: string) => {
    await newType.selectOption({ label: type });
    await addButton.click();
    await expect(inspector.getByRole('heading', { name: `Untitled ${type.toLowerCase()}`, exact: true })).toBeVisible();
  };

  // The first field, retried until the builder is hydrated (a click before that does nothing);
  // its type is then set in the inspector, in case hydration reset the type picked before it.
  await expect(async () => {
    if (await inspector.getByText('Choose a field in the list to change it.').isVisible()) {
      await newType.selectOption({ label: 'Yes / no' });
      await addButton.click();
    }
    await expect(inspector.getByLabel('Field type')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await inspector.getByLabel('Field type').selectOption({ label: 'Yes / no' });
  await expect(inspector.getByRole('heading', { name: 'Untitled yes / no', exact: true })).toBeVisible();
  await inspector.getByLabel('Question', { exact: true }).fill(QUESTION_YES_NO);
  await inspector.getByLabel('Required', { exact: true }).check();

  // A short text shown only when the answer is yes.
  await addField('Short text');
  await inspector.getByLabel('Question', { exact: true }).fill(QUESTION_CONDITIONAL);
  await inspector.getByLabel('Required', { exact: true }).check();
  await inspector.getByLabel('Show this only when an earlier answer matches').check();
  await inspector.getByRole('combobox', { name: 'Question', exact: true }).selectOption({ label: QUESTION_YES_NO });
  await inspector.getByLabel('Operator').selectOption({ label: 'equals' });
  await inspector.getByLabel('Answer', { exact: true }).selectOption({ label: 'Yes' });

  // A short text feeding the patient's address line 1.
  await addField('Short text');
  await inspector.getByLabel('Question', { exact: true }).fill(QUESTION_ADDRESS);
  await inspector.getByLabel('Required', { exact: true }).check();
  await inspector.getByLabel('Feeds the patient record').selectOption({ label: 'Street address' });

  // The signature, under its consent statement.
  await addField('Signature');
  await inspector.getByLabel('Consent statement (shown above the signature)').fill(CONSENT);
  await inspector.getByLabel('Required', { exact: true }).check();

  const fields = page.getByRole('region', { name: 'Fields' });
  await expect(fields.getByRole('button', { name: new RegExp(`^${escapeRegExp(QUESTION_CONDITIONAL)}.*conditional`) })).toBeVisible();
  await expect(fields.getByRole('button', { name: new RegExp(`^${escapeRegExp(QUESTION_ADDRESS)}.*feeds the record`) })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No problems: this form can be published' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByText('Draft saved.', { exact: true })).toBeVisible();
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await expect(publish).toBeEnabled();
  await publish.click();
  await expect(page.getByText(/^Version 1 published\./)).toBeVisible();

  // (2) Ops create a patient of the journey's own and invite them with the form.
  const staff = await (await browser.newContext()).newPage();
  await staffSignIn(staff, { area: 'emr', email: 'ops@sunrise.test' });
  await staff.goto(hostUrl('sunrise', '/emr/patients/new'));
  await staff.getByLabel('First name').fill(first);
  await staff.getByLabel('Last name').fill(last);
  await staff.getByLabel('Date of birth (MM/DD/YYYY)').fill('06/09/1988');
  await staff.getByLabel('Mobile phone').fill(PHONE_DISPLAY);
  await staff.getByRole('button', { name: 'Create patient' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText(`${first} ${last}`);
  const chart = staff.url().replace(/[?#].*$/, '');

  await staff.goto(`${chart}/portal`);
  const invite = staff.getByRole('region', { name: 'Invite by email' });
  await invite.getByLabel('Email to invite').fill(email);
  await invite.getByRole('checkbox', { name: title }).check();
  await invite.getByLabel('Intake forms message (optional)').fill('Please fill this in before your first visit.');
  const invited = new Date(Date.now() - 2000);
  await invite.getByRole('button', { name: 'Invite to portal' }).click();
  await expect(staff.getByText(`Invitation sent to ${email}. The link works once and expires in 24 hours. One form was assigned with it.`)).toBeVisible();

  const mail = await latestOutboxMessage(browser, email, invited);
  expect(mail).toContain('fill in a form');
  expect(mail).not.toContain(title);
  const link = /https?:\/\/\S+\/portal\/invite\/[\w-]+/.exec(mail)![0];

  // (3) The patient, on a phone: accepts the invitation, signs in, fills the form.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  const patient = await phone.newPage();
  await patient.goto(link);
  await patient.getByLabel('New password').fill(PASSWORD);
  await patient.getByLabel('Confirm password').fill(PASSWORD);
  const sent = new Date(Date.now() - 2000);
  await patient.getByRole('button', { name: 'Continue' }).click();
  await expect(patient.getByLabel('Verification code')).toBeVisible();
  await patient.getByLabel('Verification code').fill(sixDigits(await latestOutboxMessage(browser, PHONE, sent)));
  await patient.getByRole('button', { name: 'Verify and create account' }).click();
  await expect(patient).toHaveURL(/\/portal\/sign-in\?reason=activated/);
  await portalSignIn(patient, browser, { host: 'sunrise', identifier: email, phone: PHONE, password: PASSWORD });
  await expect(patient).toHaveURL(hostUrl('sunrise', '/portal'));

  await patient.goto(hostUrl('sunrise', '/portal/forms'));
  await patient.getByRole('link', { name: `Start ${title}` }).click();
  await expect(patient.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(patient.getByRole('region', { name: 'Message from the clinic' })).toContainText('Please fill this in before your first visit.');
  await expectAccessible(patient);

  const conditional = patient.getByLabel(QUESTION_CONDITIONAL);
  const address = patient.getByLabel(QUESTION_ADDRESS);
  const saved = patient.getByRole('status').filter({ hasText: /^Saved$/ });
  await expect(conditional).toBeHidden();
  // Half the form, autosaved (retyped if the autosave was not attached yet when it was typed).
  await expect(async () => {
    await address.fill(ADDRESS);
    await address.press('Tab');
    await expect(saved).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 20_000 });

  await patient.reload();
  await expect(address).toHaveValue(ADDRESS);
  await expect(conditional).toBeHidden();

  await patient.getByRole('group', { name: QUESTION_YES_NO }).getByRole('radio', { name: 'Yes' }).check();
  await expect(conditional).toBeVisible();
  await conditional.fill('Ibuprofen when needed');

  const signature = patient.getByRole('group', { name: CONSENT });
  await expect(signature.getByLabel('Signing as')).toHaveValue('patient');
  await signature.getByLabel('Your full name').fill(`${first} ${last}`);
  // A drawn signature with the mouse, the canvas in the middle of the screen (not under the sticky buttons).
  const canvas = signature.getByRole('img', { name: 'Signature drawing area' });
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = (await canvas.boundingBox())!;
  await patient.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
  await patient.mouse.down();
  await patient.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.3, { steps: 5 });
  await patient.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.7, { steps: 5 });
  await patient.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.4, { steps: 5 });
  await patient.mouse.up();
  await expect(signature.getByText('Signature drawn.')).toBeVisible();

  await patient.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(patient.getByText('Thank you. The form was sent to the clinic.')).toBeVisible();

  // (4) The PDF is filed right after the submit: in the portal's documents, then the chart's.
  await expectFiled(patient, hostUrl('sunrise', '/portal/documents'), patient.getByRole('link', { name: `Download ${title}` }));
  await expectFiled(staff, `${chart}/documents`, staff.getByRole('link', { name: `Download “${title}”` }));
  await expect(staff.getByRole('row').filter({ hasText: title })).toContainText('Forms');

  // (5) Ops accept the new address from Forms → To review; the chart shows it.
  await staff.goto(hostUrl('sunrise', '/emr/forms'));
  await expect(staff.getByRole('heading', { name: 'To review', exact: true })).toBeVisible();
  await staff.getByRole('link', { name: 'Open the review list' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Forms to review');
  const row = staff.getByRole('row').filter({ hasText: `${first} ${last}` });
  await expect(row).toContainText('Address line 1');
  await expect(row).toContainText(ADDRESS);
  await row.getByRole('button', { name: `Accept the new address line 1 of ${first} ${last}` }).click();
  await expect(staff.getByText('Accepted: the address line 1 is now in the record.')).toBeVisible();

  await staff.goto(chart);
  await expect(staff.locator('dt:text-is("Address") + dd')).toContainText(ADDRESS);

  await phone.close();
  await staff.context().close();
});

/**
 * Reloads `url` until `link` shows. The submit files the PDF after its response; should that
 * not have happened within a few seconds, the scheduled jobs' route files it.
 */
async function expectFiled(page: Page, url: string, link: Locator) {
  const shows = (timeout: number) =>
    expect(async () => {
      await page.goto(url);
      await expect(link).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout, intervals: [500, 1_000, 2_000] });
  try {
    await shows(10_000);
  } catch {
    const cron = await requestOnHost('root', '/api/cron/dispatch', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(cron.status).toBe(200);
    await shows(10_000);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
