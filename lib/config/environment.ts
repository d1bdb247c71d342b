import { z } from 'zod';
import { ConfigurationError, isProductionEnv } from './env';

/**
 * The environment, as one schema, checked when a server starts (instrumentation.ts), before
 * `npm start` migrates, and by the CLI scripts. Development needs nothing (embedded defaults);
 * production must name every real component, and a broken deployment is told everything that
 * is missing in one message instead of one variable per restart. Loaded by instrumentation on
 * the Node.js runtime, so it imports nothing server-only.
 */

type Env = Record<string, string | undefined>;

/** What a caller needs: a script that only migrates does not need the SMS provider. */
export type EnvironmentGroup = 'database' | 'platform' | 'secrets' | 'messaging' | 'storage' | 'network' | 'payments';
export const ALL_GROUPS: readonly EnvironmentGroup[] = ['database', 'platform', 'secrets', 'messaging', 'storage', 'network', 'payments'];

const GROUP_OF: Record<string, EnvironmentGroup> = {
  DATABASE_URL: 'database', DATABASE_POOL_MAX: 'database', DATABASE_PREPARE: 'database',
  PLATFORM_ROOT_DOMAIN: 'platform', TENANT_CACHE_TTL_MS: 'platform',
  AUTH_SECRET: 'secrets', DATA_ENCRYPTION_KEY: 'secrets', LOOKUP_HASH_KEY: 'secrets', CRON_SECRET: 'secrets',
  SMS_PROVIDER: 'messaging', EMAIL_PROVIDER: 'messaging', RESEND_API_KEY: 'messaging', EMAIL_FROM: 'messaging', SNS_ENDPOINT: 'messaging', RESEND_WEBHOOK_SECRET: 'messaging', SMS_INBOUND_TOPIC_ARN: 'messaging', SMS_PRICE_PER_SEGMENT_MICRO_USD: 'messaging',
  STORAGE_DRIVER: 'storage', S3_BUCKET: 'storage', S3_ENDPOINT: 'storage',
  TRUSTED_PROXY_HOPS: 'network',
  STRIPE_SECRET_KEY: 'payments', STRIPE_WEBHOOK_SECRET: 'payments', STRIPE_API_BASE: 'payments', NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: 'payments',
};

// ---------------------------------------------------------------------------------------------
// Messaging providers: the rules lib/messaging/providers.ts applies when it builds a sender.

export type MessagingChannel = 'SMS_PROVIDER' | 'EMAIL_PROVIDER';
const PROVIDERS = { SMS_PROVIDER: { allowed: ['sns', 'outbox'], real: 'sns' }, EMAIL_PROVIDER: { allowed: ['resend', 'outbox'], real: 'resend' } } as const;

/**
 * The provider a channel uses, or why none can be chosen. Outside production both default to the
 * outbox, so `npm run dev` needs no configuration; production must name real providers: the
 * outbox page is unreachable there, so outbox messages (sign-in codes) would vanish silently.
 */
export function messagingProvider(env: Env, channel: MessagingChannel, production = isProductionEnv(env)): { name: string } | { problem: string } {
  const { allowed, real } = PROVIDERS[channel];
  const raw = env[channel]?.trim();
  if (!raw) {
    return production ? { problem: `${channel} must be set to ${real} in production. See .env.example.` } : { name: 'outbox' };
  }
  if (!(allowed as readonly string[]).includes(raw)) return { problem: `${channel}=${raw} is not supported; use one of: ${allowed.join(', ')}.` };
  if (raw === 'outbox' && production) return { problem: `${channel}=outbox is for development only; use ${real} in production.` };
  if (raw === 'resend') {
    const missing = ['RESEND_API_KEY', 'EMAIL_FROM'].filter((v) => !env[v]?.trim());
    if (missing.length > 0) return { problem: `EMAIL_PROVIDER=resend needs ${missing.join(' and ')}. See .env.example.` };
  }
  return { name: raw };
}

// ---------------------------------------------------------------------------------------------
// The schema

const count = (min: number) => z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`);
const url = z.url({ error: 'must be a URL' });
/** An SNS standard topic's ARN (partition, region, account, name): SMS_INBOUND_TOPIC_ARN, and lib/sms/sns-endpoint.ts reads its parts. */
export const SNS_TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** The format of every variable the app reads (all optional here: `requirements` says what must be set). */
export const environmentSchema = z.object({
  NODE_ENV: z.string().optional(),
  CAREBRIDGE_ENV: z.enum(['production', 'development', 'test'], { error: 'must be production, development, test or unset' }).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL').optional(),
  DATABASE_POOL_MAX: count(1).optional(),
  DATABASE_PREPARE: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  PGLITE_DIR: z.string().optional(),
  PLATFORM_ROOT_DOMAIN: z.string().regex(HOST, 'must be a host name such as carebridge.example (no scheme, no port)').optional(),
  TENANT_CACHE_TTL_MS: count(0).optional(),
  AUTH_SECRET: z.string().optional(),
  DATA_ENCRYPTION_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)').optional(),
  LOOKUP_HASH_KEY: z.string().optional(),
  CRON_SECRET: z.string().optional(),
  SMS_PROVIDER: z.string().optional(),
  EMAIL_PROVIDER: z.string().optional(),
  RESEND_API_KEY: z.string().optional(),
  EMAIL_FROM: z.string().optional(),
  // Optional: the signing secret of Resend's webhook endpoint (/api/webhooks/resend); without it the endpoint is off.
  RESEND_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, "must be the Resend webhook's signing secret (whsec_…)").optional(),
  AWS_REGION: z.string().optional(),
  // Optional: the SNS topic AWS End User Messaging publishes replies to (two-way SMS), whose
  // subscription is /api/webhooks/sms; without it the endpoint is off and STOP is not heard.
  SMS_INBOUND_TOPIC_ARN: z.string().regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)').optional(),
  SNS_ENDPOINT: url.optional(),
  // Optional: what one SMS segment costs in micro-dollars, for the cost estimates in the CRM and
  // the console (lib/sms-spend/price.ts); default 8580 ($0.00858, AWS SNS to a US number).
  SMS_PRICE_PER_SEGMENT_MICRO_USD: z.string().regex(/^\d{1,9}$/, 'must be a whole number of micro-dollars, such as 8580 for $0.00858').optional(),
  STORAGE_DRIVER: z.enum(['local', 's3'], { error: 'must be local or s3' }).optional(),
  UPLOADS_DIR: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_REGION: z.string().optional(),
  S3_ENDPOINT: url.optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  TRUSTED_PROXY_HOPS: count(0).optional(),
  // Stripe (lib/billing/gateway/stripe-gateway.ts): the platform's keys; each clinic connects its
  // own account. A restricted key (rk_) works if it may write PaymentIntents, SetupIntents,
  // Customers, PaymentMethods, Refunds and connected accounts.
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\S+$/, 'must be a Stripe secret key (sk_live_… or sk_test_…, or a restricted rk_… key)').optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\S+$/, "must be the webhook endpoint's signing secret (whsec_…)").optional(),
  STRIPE_API_BASE: url.optional(),
  NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: z.string().regex(/^pk_(test|live)_\S+$/, 'must be a Stripe publishable key (pk_live_… or pk_test_…)').optional(),
});

export type Environment = z.output<typeof environmentSchema>;

const SECRETS = ['AUTH_SECRET', 'DATA_ENCRYPTION_KEY', 'LOOKUP_HASH_KEY', 'CRON_SECRET'] as const;

/**
 * What must be set, and what cannot go together. Checked on the raw values beside the schema,
 * not as a refinement of it: zod skips refinements once a format is wrong, and the point is to
 * list every problem at once.
 */
function requirements(env: Env): { variable: string; message: string }[] {
  const production = isProductionEnv(env);
  const found: { variable: string; message: string }[] = [];
  const problem = (variable: string, message: string) => found.push({ variable, message });

  for (const channel of ['SMS_PROVIDER', 'EMAIL_PROVIDER'] as const) {
    const choice = messagingProvider(env, channel, production);
    if ('problem' in choice) problem(channel, choice.problem);
  }
  if (env.STORAGE_DRIVER === 's3' && !env.S3_BUCKET) problem('S3_BUCKET', 'S3_BUCKET must be set when STORAGE_DRIVER=s3.');
  if (env.STORAGE_DRIVER === 'local' && env.S3_BUCKET) problem('STORAGE_DRIVER', 'STORAGE_DRIVER=local contradicts S3_BUCKET; unset one of them.');
  // Stripe is optional (clinics can use the test gateway outside production, or take no card
  // payments), but a half configuration is not: without the webhook secret a payment that needs
  // the bank's check would never be confirmed, and without the publishable key the portal has
  // no card form.
  if (env.STRIPE_SECRET_KEY) {
    if (!env.STRIPE_WEBHOOK_SECRET) problem('STRIPE_WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY (the signing secret of the /api/webhooks/stripe endpoint).');
    if (!env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY) problem('NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY', 'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY must be set with STRIPE_SECRET_KEY (the card form in the portal needs it).');
  } else if (env.STRIPE_WEBHOOK_SECRET) {
    problem('STRIPE_SECRET_KEY', 'STRIPE_SECRET_KEY must be set with STRIPE_WEBHOOK_SECRET.');
  }
  if (!production) return found;

  // The secret key goes to whatever host this names: only a local stand-in, never in production.
  if (env.STRIPE_API_BASE) problem('STRIPE_API_BASE', 'STRIPE_API_BASE is for tests against a local stand-in for Stripe; unset it in production.');

  if (!env.DATABASE_URL) problem('DATABASE_URL', 'DATABASE_URL must be set in production (PGlite, the embedded database, is for development only).');
  if (!env.PLATFORM_ROOT_DOMAIN) problem('PLATFORM_ROOT_DOMAIN', 'PLATFORM_ROOT_DOMAIN must be set in production (the domain clinics live under).');
  for (const name of SECRETS) {
    if (!env[name]) problem(name, `${name} must be set in production.`);
  }
  if (!env.S3_BUCKET && env.STORAGE_DRIVER !== 'local') {
    problem('S3_BUCKET', 'S3_BUCKET must be set in production, or STORAGE_DRIVER=local for a single instance whose disk keeps UPLOADS_DIR.');
  }
  return found;
}

/** Blank values count as unset, as they do everywhere else in the app (`VAR=` in .env files). */
function present(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

/** Every problem with the environment, one sentence each, limited to the groups asked for. */
export function environmentProblems(env: Env = process.env, groups: readonly EnvironmentGroup[] = ALL_GROUPS): string[] {
  const values = present(env);
  const found = requirements(values);
  const parsed = environmentSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '');
      found.push({ variable, message: `${variable} ${issue.message}.` });
    }
  }
  const wanted = found.filter(({ variable }) => !GROUP_OF[variable] || groups.includes(GROUP_OF[variable]));
  return [...new Set(wanted.map((p) => p.message))];
}

/** Throws one ConfigurationError that lists every problem; returns the parsed values otherwise. */
export function assertEnvironment(env: Env = process.env, groups: readonly EnvironmentGroup[] = ALL_GROUPS): Environment {
  const problems = environmentProblems(env, groups);
  if (problems.length > 0) {
    const where = isProductionEnv(env) ? 'production' : 'development';
    throw new ConfigurationError(
      `The environment is not usable (${where}); fix ${problems.length === 1 ? 'this' : `these ${problems.length}`} and start again:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSee .env.example.',
    );
  }
  return environmentSchema.parse(present(env));
}
