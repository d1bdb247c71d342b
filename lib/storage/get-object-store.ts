import 'server-only';
import { LocalObjectStore } from './local-object-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore, s3ConfigFromEnv } from './s3-object-store';

const STORE_KEY = Symbol.for('carebridge.object-store');
type GlobalWithStore = typeof globalThis & { [STORE_KEY]?: ObjectStore };

/** S3 when S3_BUCKET is set, otherwise the local folder (UPLOADS_DIR or .data/uploads). One per process. */
export function getObjectStore(): ObjectStore {
  const g = globalThis as GlobalWithStore;
  if (!g[STORE_KEY]) {
    const s3 = s3ConfigFromEnv();
    g[STORE_KEY] = s3 ? new S3ObjectStore(s3) : new LocalObjectStore();
  }
  return g[STORE_KEY];
}

/** Tests point the app at a temporary folder or an s3rver bucket. */
export function setObjectStoreForTests(store: ObjectStore | undefined): void {
  (globalThis as GlobalWithStore)[STORE_KEY] = store;
}
