import 'server-only';
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';

/**
 * A ZIP written to a file as it is made, with fflate's streaming Zip: each entry's bytes go
 * through to the file chunk by chunk (the write stream's backpressure is awaited), so a large
 * document never sits in memory. Files already compressed (PDF, JPEG, PNG) are stored as they
 * are; text (the Bundle, the README) is deflated. Entries are added one after another: fflate
 * would buffer a second entry's output until the first one ends.
 *
 * fflate writes no ZIP64 records, so an archive stays under 4 GiB (ExportTooLargeError).
 */

export const MAX_ZIP_BYTES = 4_000_000_000;

export class ExportTooLargeError extends Error {
  constructor() {
    super('export larger than a ZIP without ZIP64 can hold');
    this.name = 'ExportTooLargeError';
  }
}

export interface WrittenEntry {
  size: number;
  sha1Base64: string;
  sha256Hex: string;
}

export class ZipFileWriter {
  private readonly out: WriteStream;
  private readonly zip: Zip;
  private failure: Error | null = null;
  private written = 0;
  private ended: Promise<unknown>;

  constructor(readonly path: string, private readonly mtime: Date) {
    // 'wx': a fresh file each time; a leftover of a crashed run is never appended to.
    this.out = createWriteStream(path, { flags: 'wx' });
    this.out.on('error', (error) => { this.failure ??= error; });
    this.ended = once(this.out, 'finish');
    this.ended.catch(() => undefined);
    this.zip = new Zip((error, chunk, final) => {
      if (error) {
        this.failure ??= error;
        return;
      }
      this.written += chunk.length;
      this.out.write(chunk);
      if (final) this.out.end();
    });
  }

  /** Copies a stream into the archive as `name` (stored, not compressed), with its size and digests. */
  async addStream(name: string, source: Readable): Promise<WrittenEntry> {
    const entry = new ZipPassThrough(name);
    return this.add(entry, source);
  }

  /** Adds bytes made here (the Bundle, the README), deflated. */
  async addBytes(name: string, bytes: Uint8Array): Promise<WrittenEntry> {
    const entry = new ZipDeflate(name, { level: 6 });
    return this.add(entry, [bytes]);
  }

  private async add(entry: ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void }, source: AsyncIterable<unknown> | Iterable<Uint8Array>): Promise<WrittenEntry> {
    this.check();
    entry.mtime = this.mtime;
    this.zip.add(entry);
    const sha1 = createHash('sha1');
    const sha256 = createHash('sha256');
    let size = 0;
    for await (const piece of source as AsyncIterable<Uint8Array | string>) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      size += chunk.length;
      if (this.written + size > MAX_ZIP_BYTES) throw new ExportTooLargeError();
      sha1.update(chunk);
      sha256.update(chunk);
      entry.push(chunk);
      await this.drain();
    }
    entry.push(new Uint8Array(0), true);
    await this.drain();
    return { size, sha1Base64: sha1.digest('base64'), sha256Hex: sha256.digest('hex') };
  }

  /** Ends the archive and waits for the file to be on disk; returns its size in bytes. */
  async finish(): Promise<number> {
    this.check();
    this.zip.end();
    await this.ended;
    this.check();
    return (await stat(this.path)).size;
  }

  /** Stops writing (the caller removes the file). */
  abort(): void {
    this.zip.terminate();
    this.out.destroy();
  }

  private async drain(): Promise<void> {
    this.check();
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
