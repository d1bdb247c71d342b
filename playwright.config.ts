import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3100);
const ci = !!process.env.CI;
// CI (and E2E_SERVER=start locally, after `npm run build`) tests the built app.
const built = ci || process.env.E2E_SERVER === 'start';
const freshPglite = 'rm -rf .data/pglite-e2e && PGLITE_DIR=.data/pglite-e2e';
const IDLE_JOURNEYS = /an idle (patient|staff member) is warned/;

/**
 * End-to-end journeys across clinic hosts in Debian's Chromium (no browser download).
 * CI runs them against the built app (`next start`) on the database in DATABASE_URL; locally
 * the dev server runs on a PGlite directory of its own, wiped first, so runs start equal.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // CI runs the suite in two shards at once, each with its own server, database and output folder.
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results',
  fullyParallel: false,
  // The journeys run one after another (project "chromium"); beside them, in a second worker, the
  // two idle sign-out journeys, which spend over two minutes waiting on real timers and sign in as
  // people no other journey uses at that time (James at Harbor, before the journeys that sign him in
  // reach him; Dr. Patel, whom only that journey uses).
  workers: 2,
  retries: ci ? 1 : 0,
  forbidOnly: ci,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: ci ? [['list'], ['html', { open: 'never', outputFolder: process.env.E2E_REPORT_DIR ?? 'playwright-report' }]] : 'list',
  use: {
    baseURL: `http://sunrise.localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        // The custom demo domain must reach this machine, as DNS would send it in production.
        '--host-resolver-rules=MAP portal.harbor-derm.test 127.0.0.1, MAP *.e2e-custom.test 127.0.0.1',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'] }, grepInvert: IDLE_JOURNEYS, workers: 1 },
    { name: 'idle', use: { ...devices['Desktop Chrome'] }, testMatch: /(identity|staff-idle)\.spec\.ts$/, grep: IDLE_JOURNEYS, workers: 1 },
  ],
  webServer: {
    // `npm start` never seeds (the demo accounts' secrets are public): the suite seeds first.
    command: ci
      ? `npm run db:seed && npm run start -- -p ${PORT}`
      : built
        ? `${freshPglite} npm run db:seed && PGLITE_DIR=.data/pglite-e2e npm run start -- -p ${PORT}`
        : `${freshPglite} npm run dev -- -p ${PORT}`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    env: {
      CAREBRIDGE_ENV: 'test',
      TENANT_CACHE_TTL_MS: '0',
      NEXT_TELEMETRY_DISABLED: '1',
      // Short enough for the idle sign-out journey to run in seconds.
      PORTAL_IDLE_TIMEOUT_SECONDS: '40',
      PORTAL_IDLE_WARNING_SECONDS: '15',
      // One staff account only (tests/e2e/staff-idle.spec.ts): every other journey keeps the clinic's limit.
      STAFF_IDLE_TEST_ACCOUNTS: 'dr.patel@sunrise.test=60',
      SMS_PROVIDER: 'outbox',
      SMS_CODES_PER_HOUR: '50',
      // Custom domains under *.e2e-custom.test verify without real DNS (never in production).
      DNS_STUB_VERIFY: '1',
      EMAIL_PROVIDER: 'outbox',
    },
    stdout: 'pipe',
  },
});
