import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl, requestOnHost } from './support/hosts';

/**
 * The portal inbox (issue 8). The seeded sunrise conversation (Sam Rivera, support, started it
 * with Maria; "Reply only" clinic): Maria replies, Sam answers from the EMR in another browser,
 * the answer arrives in Maria's open thread without a reload, and the 48-hour auto-close, run by
 * the cron route as of a later instant, closes it in front of her. Harbor ("Never initiate")
 * shows why there is no "New message".
 *
 * The portal's idle limit is 40 s in e2e and its client timer restarts only on navigation, so
 * staff sign in first and Maria reopens the thread before the cron step.
 */

const SEEDED_SUBJECT = 'Checking in after your visit';
const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const CRON_SECRET = process.env.CRON_SECRET ?? 'dev-only-cron-secret';

function liveRegion(page: Page, text: string | RegExp) {
  return page.locator('[aria-live="polite"]').filter({ hasText: text });
}

test('Maria replies in the portal, sees the clinic answer arrive, and the conversation auto-closes', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const stamp = Date.now().toString(36);

  // Staff first: a refused TOTP step can cost 30 s, which Maria's idle limit could not spare.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { area: 'emr', email: 'support@sunrise.test' });
  // Sam writes first, so Maria has something unread whatever other journeys already read.
  await staff.goto(hostUrl('sunrise', '/emr/messages'));
  await staff.getByRole('link', { name: SEEDED_SUBJECT }).first().click();
  const nudge = `Your lab results are in (${stamp}).`;
  await staff.getByLabel('Reply', { exact: true }).fill(nudge);
  await staff.getByRole('button', { name: 'Send reply' }).click();
  await expect(staff.getByText(nudge)).toBeVisible();

  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');

  // (1) The inbox: the seeded conversation, open, with its unread badge.
  const messagesNav = page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: /^Messages/ });
  const navUnread = async () => Number((await messagesNav.textContent())?.match(/(\d+) unread/)?.[1] ?? 0);
  const unreadBefore = await navUnread();
  expect(unreadBefore).toBeGreaterThan(0);
  await messagesNav.click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/messages'));
  await expect(page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
  // "Reply only": no compose action, and the reason in its place.
  await expect(page.getByRole('link', { name: 'New message' })).toHaveCount(0);
  await expect(page.getByText('Your clinic starts conversations; you can reply to messages they send you.')).toBeVisible();
  const conversationLink = page.getByRole('link', { name: new RegExp(SEEDED_SUBJECT) });
  await expect(conversationLink).toBeVisible();
  await expect(conversationLink).toContainText('Open');
  await expect(conversationLink).toContainText(/\d+ unread/);
  await expectAccessible(page);

  await conversationLink.click();
  await expect(page).toHaveURL(/\/portal\/messages\/[0-9a-f-]{36}$/);
  const conversationId = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(SEEDED_SUBJECT);
  await expect(page.getByRole('article', { name: /Sam Rivera/ }).first()).toContainText('Please reply here if you have any questions.');
  // The frame is not re-rendered on client-side navigation; the nav badge still follows the read.
  await expect.poll(navUnread).toBeLessThan(unreadBefore);
  await expectAccessible(page);

  // An empty reply is refused in words, next to the field.
  const replyBox = page.getByLabel('Your reply');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Write a message or attach a file.').first()).toBeVisible();

  const reply = `Thank you, I have a question about my results (${stamp}).`;
  await replyBox.fill(reply);
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('article').filter({ hasText: reply })).toBeVisible();
  await expect(page.getByText('Message sent.')).toBeVisible();
  // The form empties and keeps focus for the next message.
  await expect(replyBox).toHaveValue('');
  await expect(replyBox).toBeFocused();

  // A message sent by mistake is deleted within 5 minutes, after a confirm step.
  const mistake = `Sent by mistake (${stamp}).`;
  await replyBox.fill(mistake);
  await page.getByRole('button', { name: 'Send reply' }).click();
  const mistakeArticle = page.getByRole('article').filter({ hasText: mistake });
  await expect(mistakeArticle).toBeVisible();
  await mistakeArticle.getByRole('button', { name: /^Delete your message/ }).click();
  await mistakeArticle.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByText(mistake)).toHaveCount(0);
  await expect(page.getByText('Message deleted', { exact: true })).toBeVisible();

  // (2) Sam answers from the EMR; Maria's open thread shows it without a reload.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await staff.goto(hostUrl('sunrise', `/emr/messages/${conversationId}`));
  await expect(staff.getByText(reply)).toBeVisible();
  const answer = `Hi Maria, Dr. Kim will call you about the results tomorrow (${stamp}).`;
  await staff.getByLabel('Reply', { exact: true }).fill(answer);
  await staff.getByRole('button', { name: 'Send reply' }).click();
  await expect(staff.getByText(answer)).toBeVisible();

  await expect(page.getByRole('article', { name: /Sam Rivera/ }).filter({ hasText: answer })).toBeVisible({ timeout: 15_000 });
  await expect(liveRegion(page, 'New message from Sam Rivera.')).toHaveCount(1);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await staffContext.close();

  // (3) Reopen the thread (navigation restarts the idle timer), then run the auto-close as of
  // 49 hours from now: Sam's answer is the last message and Maria has not replied since.
  await page.getByRole('link', { name: 'Back to messages' }).click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/messages'));
  await page.getByRole('link', { name: new RegExp(SEEDED_SUBJECT) }).click();
  await expect(page.getByLabel('Your reply')).toBeVisible();
  const at = new Date(Date.now() + 49 * 3_600_000).toISOString();
  const cron = await requestOnHost('root', `/api/cron/dispatch?at=${encodeURIComponent(at)}`, {
    headers: { authorization: `Bearer ${CRON_SECRET}` },
  });
  expect(cron.status).toBe(200);
  expect(JSON.parse(cron.body).conversationsAutoClosed).toBeGreaterThanOrEqual(1);

  await expect(page.getByText(/This conversation closed automatically because there was no reply within 48 hours\./)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText('If you need the clinic, please call (217) 555-0100.')).toBeVisible();
  await expect(page.getByLabel('Your reply')).toHaveCount(0);
  await expect(page.getByText('Closed', { exact: true }).first()).toBeVisible();
  await expectAccessible(page);
});

test('with "All patients", Maria writes to the clinic for Leo with a PDF, and the thread shows who wrote', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const stamp = Date.now().toString(36);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await staffSignIn(admin, { area: 'crm', email: 'admin@sunrise.test' });
  const setPolicy = async (label: RegExp) => {
    await admin.goto(hostUrl('sunrise', '/crm/portal-settings'));
    await admin.getByRole('radio', { name: label }).check();
    await admin.getByRole('button', { name: 'Save portal settings' }).click();
    await expect(admin.getByText(/Portal settings saved|Nothing to save/).first()).toBeVisible();
  };
  await setPolicy(/^All patients/);
  try {
    await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
    await page.getByRole('button', { name: /Leo Lopez/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');
    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: /^Messages/ }).click();
    await page.getByRole('link', { name: 'New message' }).click();
    await expect(page).toHaveURL(hostUrl('sunrise', '/portal/messages/new'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('New message');
    await expectAccessible(page);

    // Refusals in words, next to their fields, before anything is sent.
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page.getByText('Enter a subject.').first()).toBeVisible();
    await expect(page.getByLabel('Subject')).toBeFocused();
    const subject = `Question about Leo's vaccines (${stamp})`;
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Message', { exact: true }).fill('Does Leo need a booster before the school trip?');
    const files = page.getByLabel('Attachments (optional)');
    await files.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a pdf') });
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page.getByText('“notes.txt” is not a PDF, JPG or PNG file.').first()).toBeVisible();

    await files.setInputFiles({ name: 'vaccine-card.pdf', mimeType: 'application/pdf', buffer: TINY_PDF });
    await page.getByRole('button', { name: 'Send message' }).click();
    await expect(page).toHaveURL(/\/portal\/messages\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
    const mine = page.getByRole('article', { name: /Maria Lopez \(parent\)/ });
    await expect(mine).toContainText('on behalf of Leo Lopez');
    await expect(mine).toContainText('Does Leo need a booster before the school trip?');
    const attachment = mine.getByRole('link', { name: /^vaccine-card\.pdf/ });
    await expect(attachment).toHaveAttribute('href', /^\/api\/messages\/attachments\/[0-9a-f-]{36}$/);
    await expect(attachment).toHaveAttribute('target', '_blank');
    await expect(page.getByLabel('Your reply')).toBeVisible();
    await expectAccessible(page);
  } finally {
    // Back to the demo's policy for the other journeys.
    await setPolicy(/^Reply only/);
    await adminContext.close();
  }
});

test('harbor never lets patients start a conversation and says why', async ({ page, browser }) => {
  await portalSignIn(page, browser, { host: 'harbor', identifier: '900-12-3456', identifierLabel: 'SSN', phone: '+15555550202' });
  await expect(page).toHaveURL(hostUrl('harbor', '/portal'));
  await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: /^Messages/ }).click();
  await expect(page).toHaveURL(hostUrl('harbor', '/portal/messages'));
  const why = 'Your clinic does not accept new messages through the portal. Please call (617) 555-0180.';
  await expect(page.getByText(why)).toBeVisible();
  await expect(page.getByRole('link', { name: 'New message' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'New message' })).toHaveCount(0);
  await expect(page.getByText('No messages yet.')).toBeVisible();
  await expectAccessible(page);

  // An old link to the compose page gets the explanation, not a form.
  await page.goto(hostUrl('harbor', '/portal/messages/new'));
  await expect(page.getByText(why)).toBeVisible();
  await expect(page.getByLabel('Subject')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send message' })).toHaveCount(0);
  await expectAccessible(page);
});
