import 'server-only';
import { LocalObjectStore } from './local-object-store';
import type { ObjectStore } from './object-store';
import { s3ConfigFromEnv, type S3StoreConfig } from './s3-config';

const STORE_KEY = Symbol.for('carebridge.object-store');
type GlobalWithStore = typeof globalThis & { [STORE_KEY]?: ObjectStore };

/** S3 when S3_BUCKET is set, otherwise the local folder (UPLOADS_DIR or .data/uploads). One per process. */
export function getObjectStore(): ObjectStore {
  const g = globalThis as GlobalWithStore;
  if (!g[STORE_KEY]) {
    const s3 = s3ConfigFromEnv();
    g[STORE_KEY] = s3 ? new LazyS3ObjectStore(s3) : new LocalObjectStore();
  }
  return g[STORE_KEY];
}

/**
 * The S3 store, with the AWS SDK loaded at the first storage call rather than with this module:
 * the portal's and the EMR's first pages import the store (through answer files and documents)
 * without touching a file, and loading the SDK was a visible part of their cold start.
 */
class LazyS3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  private store: Promise<ObjectStore> | undefined;

  constructor(private readonly config: S3StoreConfig) {}

  private open(): Promise<ObjectStore> {
    this.store ??= import('./s3-object-store').then(({ S3ObjectStore }) => new S3ObjectStore(this.config));
    return this.store;
  }

  async put(...args: Parameters<ObjectStore['put']>) {
    return (await this.open()).put(...args);
  }

  async get(...args: Parameters<ObjectStore['get']>) {
    return (await this.open()).get(...args);
  }

  async head(...args: Parameters<ObjectStore['head']>) {
    return (await this.open()).head(...args);
  }

  async delete(...args: Parameters<ObjectStore['delete']>) {
    return (await this.open()).delete(...args);
  }

  async presignPut(...args: Parameters<ObjectStore['presignPut']>) {
    return (await this.open()).presignPut(...args);
  }

  async presignGet(...args: Parameters<ObjectStore['presignGet']>) {
    return (await this.open()).presignGet(...args);
  }
}

/** Tests point the app at a temporary folder or an s3rver bucket. */
export function setObjectStoreForTests(store: ObjectStore | undefined): void {
  (globalThis as GlobalWithStore)[STORE_KEY] = store;
}
