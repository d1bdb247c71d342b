/**
 * Environment, read in one place. Development and test run with no configuration at all
 * (embedded defaults); production refuses to start without the secrets it needs.
 */

/**
 * Production is NODE_ENV=production (what `next start` sets) or CAREBRIDGE_ENV=production (for
 * the CLI scripts, which a server often runs without NODE_ENV). CAREBRIDGE_ENV=test, for the e2e
 * server on a production build only, overrides both.
 */
export function isProductionEnv(env: Record<string, string | undefined>): boolean {
  return (env.NODE_ENV === 'production' || env.CAREBRIDGE_ENV === 'production') && env.CAREBRIDGE_ENV !== 'test';
}

export const isProduction = isProductionEnv(process.env);

export function platformRootDomain(): string {
  return (process.env.PLATFORM_ROOT_DOMAIN || 'localhost').toLowerCase();
}

/** The dev fallback secrets are public knowledge: fine for a laptop, refused in production. */
const DEV_SECRETS: Record<string, string> = {
  AUTH_SECRET: 'dev-only-auth-secret-not-for-production-0000000000',
  DATA_ENCRYPTION_KEY: 'ZGV2LW9ubHktZGF0YS1lbmNyeXB0aW9uLWtleS0wMDA=',
  LOOKUP_HASH_KEY: 'dev-only-lookup-hash-key-not-for-production',
  CRON_SECRET: 'dev-only-cron-secret',
};

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

export function requiredSecret(name: keyof typeof DEV_SECRETS): string {
  const value = process.env[name];
  if (value) return value;
  if (isProduction) {
    throw new ConfigurationError(`${name} must be set in production. See .env.example.`);
  }
  return DEV_SECRETS[name]!;
}
