/** What a real deployment sets (README "Configuration"), with made-up values. */
export const PRODUCTION_ENV = {
  NODE_ENV: 'production' as const,
  DATABASE_URL: 'postgres://app:secret@db.internal:5432/carebridge',
  PLATFORM_ROOT_DOMAIN: 'carebridge.example',
  AUTH_SECRET: 'a'.repeat(44),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  LOOKUP_HASH_KEY: 'b'.repeat(40),
  CRON_SECRET: 'c'.repeat(40),
  SMS_PROVIDER: 'sns',
  EMAIL_PROVIDER: 'resend',
  RESEND_API_KEY: 're_live',
  EMAIL_FROM: 'Carebridge <no-reply@carebridge.example>',
  S3_BUCKET: 'carebridge-documents',
};

/** Every variable production requires, in the order the check lists them. */
export const PRODUCTION_REQUIRED = [
  'SMS_PROVIDER', 'EMAIL_PROVIDER', 'DATABASE_URL', 'PLATFORM_ROOT_DOMAIN', 'AUTH_SECRET', 'DATA_ENCRYPTION_KEY',
  'LOOKUP_HASH_KEY', 'CRON_SECRET', 'S3_BUCKET',
];
