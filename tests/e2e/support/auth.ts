import { expect, type Browser, type Cookie, type Page } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { hostUrl } from './hosts';

export const DEMO_PASSWORD = 'Carebridge-demo1';
export const DEMO_TOTP = new OTPAuth.TOTP({ secret: 'JBSWY3DPEHPK3PXP' });

/**
 * The newest message in the dev outbox for `recipient` (phone or email), read on the root host;
 * with `matching`, the newest one whose text matches (other journeys' notices to the same person,
 * a receipt, a form reminder, may be delivered in between). The outbox is read up to `attempts`
 * times, 250 ms apart.
 */
export async function latestOutboxMessage(browser: Browser, recipient: string, after?: Date, matching?: RegExp, attempts = 20): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    for (let attempt = 0; attempt < attempts; attempt++) {
      await page.goto(hostUrl('root', '/dev/outbox'));
      const items = page.locator(`[data-testid="outbox-message"][data-recipient="${recipient}"]`);
      for (let i = 0; i < Math.min(await items.count(), matching ? 10 : 1); i++) {
        const item = items.nth(i);
        const time = await item.locator('time').first().getAttribute('datetime').catch(() => null);
        if (after && time && new Date(time) < after) break;
        const text = await item.innerText();
        if (!matching || matching.test(text)) return text;
      }
      await page.waitForTimeout(250);
    }
    throw new Error(`no outbox message for ${recipient}`);
  } finally {
    await context.close();
  }
}

export function sixDigits(text: string): string {
  const match = /\b(\d{6})\b/.exec(text);
  if (!match) throw new Error(`no code in: ${text}`);
  return match[1]!;
}

/** Signs a patient in through the real form, reading the SMS code from the outbox. */
export async function portalSignIn(page: Page, browser: Browser, opts: { host: string; identifier: string; identifierLabel?: string; phone: string; password?: string }) {
  await page.goto(hostUrl(opts.host, '/portal/sign-in'));
  const started = new Date(Date.now() - 2000);
  await page.getByLabel(opts.identifierLabel ?? 'Email').fill(opts.identifier);
  await page.getByLabel('Password').fill(opts.password ?? DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  // Where the clinic accepts passkeys and the person has one, the passkey is offered first.
  const sms = page.getByRole('button', { name: 'Send me a code by SMS instead' });
  await expect(sms.or(page.getByLabel('Verification code'))).toBeVisible();
  if (await sms.isVisible()) await sms.click();
  await expect(page.getByLabel('Verification code')).toBeVisible();
  // The newest text with a code: a visit reminder or another notice to the same phone may arrive in between.
  const code = sixDigits(await latestOutboxMessage(browser, opts.phone, started, /\b\d{6}\b/));
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
}

const STEP_MS = 30_000;
// The step of the code the server last accepted for each account in this run: the journeys run one
// after another in one worker process, and many sign in as the same few demo accounts.
const lastStep = new Map<string, number>();

/**
 * A demo authenticator code the server will take for `account`. It refuses a code whose step it
 * already accepted (replay protection) and takes one step either side of its clock (drift): when
 * this step's code was used, the next step's code is taken at once, and only when that one was
 * used too does this wait for the clock to reach it.
 */
async function nextStaffCode(page: Page, account: string): Promise<string> {
  const last = lastStep.get(account);
  let step = Math.floor(Date.now() / STEP_MS);
  if (last !== undefined && last >= step + 1) {
    await page.waitForTimeout((last * STEP_MS) - Date.now() + 1_000);
    step = Math.floor(Date.now() / STEP_MS);
  }
  const use = last !== undefined && last >= step ? last + 1 : step;
  lastStep.set(account, use);
  return DEMO_TOTP.generate({ timestamp: use * STEP_MS + 1 });
}

// The staff session cookie each account's last sign-in in this worker set, to be used again.
const staffSessions = new Map<string, Cookie>();
// sessionCookieName('staff') in lib/auth/policy.ts (a server-only module) outside production.
const STAFF_COOKIE = 'cb.staff';

/**
 * Signs a staff member in with the demo authenticator secret. A code refused anyway (an account
 * another process signed in as) is followed by a later step's code, once.
 *
 * The server takes each authenticator step once per account, so a journey signing in as an
 * account the one before it used waits up to 30 s for the next step. Unless the journey reached
 * the sign-in form by a redirect (`navigate: false`: the journeys about signing in), the session
 * an earlier journey of this worker signed in with is used again, like a member of staff coming
 * back to an open browser: the journey starts on the area's home page, where signing in lands. A
 * session that ended (signed out, idle, revoked) is redirected to the sign-in form, which is then
 * filled in as usual. Each account's first sign-in in a worker is the real form.
 */
export async function staffSignIn(page: Page, opts: { host?: string; area: 'emr' | 'crm'; email: string; navigate?: boolean }) {
  const host = opts.host ?? 'sunrise';
  const account = `${host} ${opts.email}`;
  const saved = opts.navigate !== false ? staffSessions.get(account) : undefined;
  if (saved) {
    await page.context().addCookies([saved]);
    await page.goto(hostUrl(host, `/${opts.area}`));
    if (!new URL(page.url()).pathname.endsWith('/sign-in')) return;
    staffSessions.delete(account);
  } else if (opts.navigate !== false) {
    await page.goto(hostUrl(host, `/${opts.area}/sign-in`));
  }
  await page.getByLabel('Email').fill(opts.email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await page.getByLabel('Authentication code').fill(await nextStaffCode(page, account));
  await page.getByRole('button', { name: 'Sign in' }).click();
  const outcome = await Promise.race([
    page.waitForURL((url) => !url.pathname.endsWith('/sign-in'), { timeout: 15_000 }).then(() => 'in' as const),
    page.getByText('That code is not correct.').waitFor({ timeout: 15_000 }).then(() => 'refused' as const),
  ]);
  if (outcome === 'in') return keepStaffSession(page, host, account);
  // The server holds a later step than this run knows of (a retried journey's new worker): the
  // code after the next step's is taken once the clock reaches the next step.
  lastStep.set(account, Math.max(lastStep.get(account) ?? 0, Math.floor(Date.now() / STEP_MS) + 1));
  await page.getByLabel('Authentication code').fill(await nextStaffCode(page, account));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'), { timeout: 15_000 });
  await keepStaffSession(page, host, account);
}

async function keepStaffSession(page: Page, host: string, account: string) {
  const cookie = (await page.context().cookies(hostUrl(host, '/'))).find((c) => c.name === STAFF_COOKIE);
  if (cookie) staffSessions.set(account, cookie);
}
