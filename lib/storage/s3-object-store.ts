import 'server-only';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  assertSafeObjectKey,
  contentDisposition,
  MAX_PRESIGNED_GET_SECONDS,
  ObjectNotFoundError,
  type ObjectStore,
  type PresignedUpload,
  type StoredObject,
} from './object-store';
import type { S3StoreConfig } from './s3-config';

// Kept in their own module so choosing the store does not load the AWS SDK; re-exported here.
export { s3ConfigFromEnv, type S3StoreConfig } from './s3-config';

/** S3 or any S3-compatible store. Browsers upload and download directly with presigned URLs. */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  readonly bucket: string;

  constructor(config: S3StoreConfig) {
    this.bucket = config.bucket;
    const clientConfig: S3ClientConfig = {
      region: config.region ?? 'us-east-1',
      // Some S3-compatible servers store streamed uploads corrupted when the SDK adds its
      // default CRC trailers; checksums only where the API requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A stalled store must fail the upload rather than hold the request open indefinitely.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
    };
    if (config.endpoint) {
      clientConfig.endpoint = config.endpoint;
      clientConfig.forcePathStyle = true;
    }
    if (config.accessKeyId && config.secretAccessKey) {
      clientConfig.credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
    }
    this.client = new S3Client(clientConfig);
  }

  async put(key: string, body: Buffer | Readable, options: { contentType: string; contentLength: number }): Promise<void> {
    assertSafeObjectKey(key);
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType, ContentLength: options.contentLength,
    }));
  }

  async get(key: string, options: { range?: { start: number; end: number } } = {}): Promise<StoredObject> {
    assertSafeObjectKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Range: options.range ? `bytes=${options.range.start}-${options.range.end}` : undefined,
      }));
      if (!out.Body) throw new ObjectNotFoundError(key);
      return {
        // In Node the SDK's body is an http.IncomingMessage, i.e. a Readable.
        body: out.Body instanceof Readable ? out.Body : Readable.fromWeb(out.Body.transformToWebStream() as never),
        contentLength: out.ContentLength ?? 0,
        contentType: out.ContentType ?? null,
      };
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async head(key: string): Promise<{ size: number; contentType: string | null } | null> {
    assertSafeObjectKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? null };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /**
   * A POST policy: the store itself refuses a body outside 1..maxBytes or with another
   * Content-Type, and the policy expires. (A presigned PUT URL cannot limit the size.)
   */
  async presignPut(key: string, options: { contentType: string; maxBytes: number; expiresSeconds: number }): Promise<PresignedUpload> {
    assertSafeObjectKey(key);
    const post = await createPresignedPost(this.client, {
      Bucket: this.bucket,
      Key: key,
      Conditions: [['content-length-range', 1, options.maxBytes], ['eq', '$Content-Type', options.contentType]],
      Fields: { 'Content-Type': options.contentType },
      Expires: options.expiresSeconds,
    });
    return { method: 'POST', url: post.url, fields: post.fields };
  }

  async presignGet(
    key: string,
    options: { expiresSeconds: number; filename: string; contentType: string; disposition?: 'attachment' | 'inline' },
  ): Promise<string> {
    assertSafeObjectKey(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(options.disposition ?? 'attachment', options.filename),
      ResponseContentType: options.contentType,
      ResponseCacheControl: 'no-store',
    });
    return getSignedUrl(this.client, command, { expiresIn: Math.min(Math.max(1, options.expiresSeconds), MAX_PRESIGNED_GET_SECONDS) });
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
