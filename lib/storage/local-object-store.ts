import 'server-only';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertSafeObjectKey,
  InvalidObjectKeyError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  type ObjectStore,
  type StoredObject,
} from './object-store';

export const DEFAULT_UPLOADS_DIR = path.join(process.cwd(), '.data', 'uploads');

/**
 * Files in a folder, for the embedded default and self-hosting. No presigned URLs: uploads go
 * through `PUT /api/documents/upload/{id}` and downloads are streamed by the download route.
 * The content type is not stored here; the documents table holds it.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly root: string;

  constructor(root: string = process.env.UPLOADS_DIR ? path.resolve(process.env.UPLOADS_DIR) : DEFAULT_UPLOADS_DIR) {
    this.root = path.resolve(root);
  }

  private pathFor(key: string): string {
    assertSafeObjectKey(key);
    const full = path.resolve(this.root, key);
    // Belt and braces: the key check already excludes anything that could leave the folder.
    if (!full.startsWith(this.root + path.sep)) throw new InvalidObjectKeyError();
    return full;
  }

  async put(key: string, body: Buffer | Readable, options: { contentType: string; contentLength: number }): Promise<void> {
    const target = this.pathFor(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Written beside the target and renamed, so a half-written file never appears under its key.
    const temp = `${target}.${randomUUID()}.part`;
    const limit = options.contentLength;
    let written = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        if (written > limit) callback(new ObjectTooLargeError(limit));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, limiter, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string, options: { range?: { start: number; end: number } } = {}): Promise<StoredObject> {
    const file = this.pathFor(key);
    const size = await fileSize(file);
    if (size === null) throw new ObjectNotFoundError(key);
    const range = options.range;
    const end = range ? Math.min(range.end, size - 1) : size - 1;
    const start = range ? range.start : 0;
    return {
      body: createReadStream(file, { start, end }),
      contentLength: Math.max(0, end - start + 1),
      contentType: null,
    };
  }

  async head(key: string): Promise<{ size: number; contentType: string | null } | null> {
    const size = await fileSize(this.pathFor(key));
    return size === null ? null : { size, contentType: null };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  async presignPut(): Promise<null> {
    return null;
  }

  async presignGet(): Promise<null> {
    return null;
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
