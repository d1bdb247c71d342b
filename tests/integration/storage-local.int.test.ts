import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { InvalidObjectKeyError, ObjectNotFoundError, ObjectTooLargeError } from '@/lib/storage/object-store';

let root: string;
let store: LocalObjectStore;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'cb-local-store-'));
  store = new LocalObjectStore(path.join(root, 'uploads'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describe('LocalObjectStore', () => {
  it('puts, heads, gets (whole and a range) and deletes', async () => {
    const body = Buffer.from('%PDF-1.4 hello %%EOF');
    await store.put('t1/p1/d1', body, { contentType: 'application/pdf', contentLength: body.length });
    expect(await store.head('t1/p1/d1')).toEqual({ size: body.length, contentType: null });
    expect(await readAll((await store.get('t1/p1/d1')).body)).toEqual(body);
    const range = await store.get('t1/p1/d1', { range: { start: 0, end: 7 } });
    expect(range.contentLength).toBe(8);
    expect((await readAll(range.body)).toString()).toBe('%PDF-1.4');
    await store.delete('t1/p1/d1');
    expect(await store.head('t1/p1/d1')).toBeNull();
    await expect(store.get('t1/p1/d1')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.presignPut()).toBeNull();
    expect(await store.presignGet()).toBeNull();
  });

  it('refuses keys with .., absolute paths, backslashes or empty segments, before touching the disk', async () => {
    for (const key of ['../outside', 't/../../etc/passwd', '/etc/passwd', 't\\..\\x', 't//x', '.hidden', '', 't/p/..']) {
      await expect(store.put(key, Buffer.from('x'), { contentType: 'application/pdf', contentLength: 1 })).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    expect(await readdir(root)).not.toContain('outside');
  });

  it('stops a stream longer than announced and leaves no file, not even a partial one', async () => {
    const chunks = [Buffer.alloc(600, 1), Buffer.alloc(600, 2)];
    await expect(store.put('t2/p2/d2', Readable.from(chunks), { contentType: 'application/pdf', contentLength: 1000 }))
      .rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(await store.head('t2/p2/d2')).toBeNull();
    expect(await readdir(path.join(root, 'uploads', 't2', 'p2'))).toEqual([]);
  });
});
