import 'server-only';

export interface S3StoreConfig {
  bucket: string;
  region?: string;
  /** An S3-compatible endpoint (MinIO, R2, s3rver); switches to path-style addressing. */
  endpoint?: string;
  /** Omit both to use the default credential chain (IAM role, AWS_* env, profile). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function s3ConfigFromEnv(env: Record<string, string | undefined> = process.env): S3StoreConfig | null {
  if (!env.S3_BUCKET) return null;
  return {
    bucket: env.S3_BUCKET,
    region: env.S3_REGION || env.AWS_REGION || 'us-east-1',
    endpoint: env.S3_ENDPOINT || undefined,
    accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
  };
}
