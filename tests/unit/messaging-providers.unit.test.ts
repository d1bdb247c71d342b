import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Provider choice depends on the environment, and `isProduction` is read once when
 * lib/config/env.ts loads, so every case sets the environment and then loads fresh modules.
 */

const MESSAGING_ENV = ['SMS_PROVIDER', 'EMAIL_PROVIDER', 'RESEND_API_KEY', 'EMAIL_FROM', 'SNS_ENDPOINT', 'SNS_SENDER_ID', 'CAREBRIDGE_ENV'];

async function load(env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const providers = await import('@/lib/messaging/providers');
  const { ConfigurationError } = await import('@/lib/config/env');
  providers.resetMessagingProvidersForTests();
  return { ...providers, ConfigurationError };
}

const RESEND = { EMAIL_PROVIDER: 'resend', RESEND_API_KEY: 're_test', EMAIL_FROM: 'Carebridge <no-reply@example.com>' };

beforeEach(() => {
  // The developer's own shell must not change the outcome.
  for (const name of MESSAGING_ENV) vi.stubEnv(name, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('outside production', () => {
  it('uses the outbox for both channels when nothing is configured', async () => {
    const m = await load({ NODE_ENV: 'development' });
    expect(m.getSmsSender().name).toBe('outbox');
    expect(m.getEmailSender().name).toBe('outbox');
    expect(m.outboxActive()).toBe(true);
    expect(() => m.assertMessagingConfigured()).not.toThrow();
  });

  it('uses the providers the environment names', async () => {
    const m = await load({ NODE_ENV: 'development', SMS_PROVIDER: 'sns', ...RESEND });
    expect(m.getSmsSender().name).toBe('sns');
    expect(m.getEmailSender().name).toBe('resend');
    expect(m.outboxActive()).toBe(false);
  });

  it('reports the outbox as active when only one channel uses it', async () => {
    const m = await load({ NODE_ENV: 'development', SMS_PROVIDER: 'sns' });
    expect(m.getEmailSender().name).toBe('outbox');
    expect(m.outboxActive()).toBe(true);
  });

  it('memoises the senders until reset', async () => {
    const m = await load({ NODE_ENV: 'development' });
    const sms = m.getSmsSender();
    expect(m.getSmsSender()).toBe(sms);
    vi.stubEnv('SMS_PROVIDER', 'sns');
    expect(m.getSmsSender()).toBe(sms);
    m.resetMessagingProvidersForTests();
    expect(m.getSmsSender().name).toBe('sns');
  });

  it('names the missing variables when Resend is chosen without them', async () => {
    const m = await load({ NODE_ENV: 'development', EMAIL_PROVIDER: 'resend' });
    expect(() => m.getEmailSender()).toThrow(m.ConfigurationError);
    expect(() => m.getEmailSender()).toThrow(/RESEND_API_KEY and EMAIL_FROM/);
  });

  it('refuses an unknown provider', async () => {
    const m = await load({ NODE_ENV: 'development', SMS_PROVIDER: 'twilio' });
    expect(() => m.getSmsSender()).toThrow(m.ConfigurationError);
    expect(() => m.getSmsSender()).toThrow(/SMS_PROVIDER=twilio .*sns, outbox/);
  });

  it('treats CAREBRIDGE_ENV=test (the e2e server on a production build) as not production', async () => {
    const m = await load({ NODE_ENV: 'production', CAREBRIDGE_ENV: 'test' });
    expect(m.getSmsSender().name).toBe('outbox');
    expect(m.outboxActive()).toBe(true);
  });
});

describe('in production', () => {
  it('refuses to run with no providers configured, naming the variables', async () => {
    const m = await load({ NODE_ENV: 'production' });
    expect(() => m.getSmsSender()).toThrow(m.ConfigurationError);
    expect(() => m.getSmsSender()).toThrow(/SMS_PROVIDER/);
    expect(() => m.getEmailSender()).toThrow(/EMAIL_PROVIDER/);
    expect(() => m.assertMessagingConfigured()).toThrow(m.ConfigurationError);
  });

  it('refuses the outbox, whose page does not exist in production', async () => {
    const m = await load({ NODE_ENV: 'production', SMS_PROVIDER: 'outbox', ...RESEND });
    expect(() => m.getSmsSender()).toThrow(/SMS_PROVIDER=outbox is for development only/);
  });

  it('refuses Resend without its key and sender address', async () => {
    const m = await load({ NODE_ENV: 'production', SMS_PROVIDER: 'sns', EMAIL_PROVIDER: 'resend', EMAIL_FROM: 'a@example.com' });
    expect(() => m.assertMessagingConfigured()).toThrow(/RESEND_API_KEY/);
  });

  it('accepts SNS and Resend', async () => {
    const m = await load({ NODE_ENV: 'production', SMS_PROVIDER: 'sns', ...RESEND });
    expect(() => m.assertMessagingConfigured()).not.toThrow();
    expect(m.getSmsSender().name).toBe('sns');
    expect(m.getEmailSender().name).toBe('resend');
    expect(m.outboxActive()).toBe(false);
  });

  it('fails server start (instrumentation) when misconfigured, on the Node.js runtime only', async () => {
    await load({ NODE_ENV: 'production' });
    const { register } = await import('@/instrumentation');
    vi.stubEnv('NEXT_RUNTIME', 'nodejs');
    await expect(register()).rejects.toThrow(/SMS_PROVIDER/);
    vi.stubEnv('NEXT_RUNTIME', 'edge');
    await expect(register()).resolves.toBeUndefined();
  });
});
