import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

test('staff upload a PDF with notification on for Maria Lopez; her email and SMS go out without health information', async ({ page, browser }) => {
  await staffSignIn(page, { area: 'emr', email: 'dr.kim@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10001'));
  await page.getByRole('link', { name: 'Lopez, Maria' }).click();

  await page.getByRole('link', { name: 'Patient Portal' }).click();
  await page.getByLabel('Email and SMS (SMS is charged)').check();
  await page.getByRole('button', { name: 'Save preference' }).click();
  await expect(page.getByText('Notification preference saved.')).toBeVisible();

  await page.getByRole('link', { name: 'Documents' }).click();
  await expectAccessible(page);
  const upload = page.getByRole('region', { name: 'Upload a document' });
  const title = `Blood panel ${Date.now().toString(36)}`;
  await upload.getByLabel('File').setInputFiles({ name: 'labs.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
  await upload.getByLabel('Type').selectOption({ label: 'Lab result' });
  await upload.getByLabel('Title').fill(title);
  await upload.getByLabel('Examination date').fill('2026-11-02');
  await upload.getByLabel('Visible to patient').check();
  await upload.getByLabel('Send notification').check();
  const before = new Date(Date.now() - 2000);
  await upload.getByRole('button', { name: 'Upload document' }).click();
  await expect(page.getByText(title).first()).toBeVisible();

  const notice = /Hay un nuevo documento|A new document is available/;
  const email = await latestOutboxMessage(browser, 'maria.lopez@sunrise.test', before, notice);
  const sms = await latestOutboxMessage(browser, '+15555550101', before, notice);
  for (const text of [email, sms]) {
    expect(text).toMatch(/Hay un nuevo documento|A new document is available/);
    expect(text).not.toContain(title);
    expect(text).not.toContain('Lab result');
  }
});

test('an upload whose bytes are not a PDF, JPG or PNG is refused and nothing is stored', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'dr.patel@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10002'));
  await page.getByRole('link', { name: 'Lopez, Leo' }).click();
  await page.getByRole('link', { name: 'Documents' }).click();
  const upload = page.getByRole('region', { name: 'Upload a document' });
  await upload.getByLabel('File').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
  await upload.getByLabel('Type').selectOption({ label: 'Report' });
  await upload.getByLabel('Title').fill('Not really a PDF');
  await upload.getByLabel('Examination date').fill('2026-11-02');
  await upload.getByRole('button', { name: 'Upload document' }).click();
  await expect(page.getByText(/Allowed types: PDF, JPG, PNG/).first()).toBeVisible();
  await expect(page.getByRole('table').getByText('Not really a PDF')).toHaveCount(0);
});

test('staff create a portal user and print the instructions page', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'support@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients?q=Mason'));
  await page.getByRole('link', { name: /, Mason$/ }).first().click();
  await page.getByRole('link', { name: 'Patient Portal' }).click();
  await page.getByRole('button', { name: /Create (portal user|a new portal ID)/ }).click();
  await expect(page.getByText(/Portal ID \d{6} created/)).toBeVisible();
  const code = /Portal ID (\d{6})/.exec(await page.getByText(/Portal ID \d{6} created/).innerText())![1]!;
  await page.getByRole('link', { name: 'Print patient instructions' }).first().click();
  await expect(page.getByRole('heading', { name: 'Your patient portal' })).toBeVisible();
  await expect(page.getByText(code)).toBeVisible();
  await expect(page.getByText('How to activate your account')).toBeVisible();
  await expectAccessible(page);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'EMR sections' })).toBeHidden();
});
