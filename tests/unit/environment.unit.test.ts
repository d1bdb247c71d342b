import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '@/lib/config/env';
import { assertEnvironment, environmentProblems } from '@/lib/config/environment';
import { PRODUCTION_ENV, PRODUCTION_REQUIRED } from '../support/production-env';

const EVERYTHING_MISSING = PRODUCTION_REQUIRED;

afterEach(() => vi.unstubAllEnvs());

describe('the environment schema', () => {
  it('needs nothing in development', () => {
    expect(environmentProblems({})).toEqual([]);
    expect(environmentProblems({ NODE_ENV: 'development' })).toEqual([]);
    // The e2e server: a production build told it is a test.
    expect(environmentProblems({ NODE_ENV: 'production', CAREBRIDGE_ENV: 'test' })).toEqual([]);
  });

  it('lists everything production misses in one message', () => {
    const problems = environmentProblems({ NODE_ENV: 'production' });
    for (const name of EVERYTHING_MISSING) expect(problems.some((p) => p.startsWith(name))).toBe(true);
    expect(problems).toHaveLength(EVERYTHING_MISSING.length);
    let message = '';
    try {
      assertEnvironment({ NODE_ENV: 'production' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toContain(`these ${EVERYTHING_MISSING.length}`);
    for (const name of EVERYTHING_MISSING) expect(message).toContain(`  - ${name}`);
  });

  it('treats CAREBRIDGE_ENV=production as production (scripts run without NODE_ENV)', () => {
    expect(environmentProblems({ CAREBRIDGE_ENV: 'production' })).toHaveLength(EVERYTHING_MISSING.length);
  });

  it('accepts a complete production environment', () => {
    expect(environmentProblems(PRODUCTION_ENV)).toEqual([]);
    expect(assertEnvironment({ ...PRODUCTION_ENV, TRUSTED_PROXY_HOPS: '1' }).TRUSTED_PROXY_HOPS).toBe(1);
  });

  it('does not fall back to PGlite or the local folder in production', () => {
    expect(environmentProblems({ ...PRODUCTION_ENV, DATABASE_URL: '' })).toEqual([expect.stringMatching(/^DATABASE_URL must be set in production/)]);
    expect(environmentProblems({ ...PRODUCTION_ENV, S3_BUCKET: undefined })).toEqual([expect.stringMatching(/^S3_BUCKET must be set in production, or STORAGE_DRIVER=local/)]);
    // Saying so explicitly is allowed: one instance with a persistent disk.
    expect(environmentProblems({ ...PRODUCTION_ENV, S3_BUCKET: undefined, STORAGE_DRIVER: 'local' })).toEqual([]);
    expect(environmentProblems({ ...PRODUCTION_ENV, STORAGE_DRIVER: 'local' })).toEqual([expect.stringMatching(/contradicts S3_BUCKET/)]);
  });

  it('checks values, not only presence', () => {
    const problems = environmentProblems({
      ...PRODUCTION_ENV,
      DATABASE_URL: 'mysql://x', DATA_ENCRYPTION_KEY: 'short', TRUSTED_PROXY_HOPS: '-1', TENANT_CACHE_TTL_MS: 'soon',
      PLATFORM_ROOT_DOMAIN: 'https://carebridge.example', SMS_PROVIDER: 'twilio', STORAGE_DRIVER: 'disk',
    });
    expect(problems).toEqual(expect.arrayContaining([
      'DATABASE_URL must be a postgres:// URL.',
      expect.stringMatching(/^DATA_ENCRYPTION_KEY must be 32 bytes/),
      'TRUSTED_PROXY_HOPS must be at least 0.',
      'TENANT_CACHE_TTL_MS must be a whole number.',
      expect.stringMatching(/^PLATFORM_ROOT_DOMAIN must be a host name/),
      'SMS_PROVIDER=twilio is not supported; use one of: sns, outbox.',
      'STORAGE_DRIVER must be local or s3.',
    ]));
    expect(problems).toHaveLength(7);
  });

  it('counts blank values as unset', () => {
    expect(environmentProblems({ ...PRODUCTION_ENV, AUTH_SECRET: '  ' })).toEqual(['AUTH_SECRET must be set in production.']);
    expect(environmentProblems({ TRUSTED_PROXY_HOPS: '' })).toEqual([]);
  });

  it('checks only the groups a script needs', () => {
    expect(environmentProblems({ NODE_ENV: 'production' }, ['database'])).toEqual([expect.stringMatching(/^DATABASE_URL/)]);
    expect(environmentProblems({ NODE_ENV: 'production', DATABASE_URL: PRODUCTION_ENV.DATABASE_URL }, ['database', 'platform']))
      .toEqual([expect.stringMatching(/^PLATFORM_ROOT_DOMAIN/)]);
  });

  it('fails server start (instrumentation) with the whole list', async () => {
    for (const [name] of Object.entries(PRODUCTION_ENV)) vi.stubEnv(name, '');
    for (const name of ['STORAGE_DRIVER', 'TRUSTED_PROXY_HOPS', 'CAREBRIDGE_ENV', 'TENANT_CACHE_TTL_MS']) vi.stubEnv(name, '');
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('NEXT_RUNTIME', 'nodejs');
    const { register } = await import('@/instrumentation');
    const failure = await register().then(() => null, (error: Error) => error.message);
    for (const name of EVERYTHING_MISSING) expect(failure).toContain(`  - ${name}`);
    for (const [name, value] of Object.entries(PRODUCTION_ENV)) vi.stubEnv(name, value);
    await expect(register()).resolves.toBeUndefined();
  });
});
