import { inflateSync } from 'node:zlib';

/**
 * The text a PDF made with pdf-lib's standard fonts shows, in drawing order: each content stream
 * inflated, each `<hex> Tj` decoded (WinAnsi, which is Latin-1 for the characters tests use).
 * Enough to assert what a generated PDF says without a PDF reader.
 */
export function pdfText(bytes: Uint8Array): string {
  const raw = Buffer.from(bytes);
  const texts: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf('stream', at, 'latin1');
    if (start < 0) break;
    let bodyStart = start + 'stream'.length;
    if (raw[bodyStart] === 0x0d) bodyStart++;
    if (raw[bodyStart] === 0x0a) bodyStart++;
    const end = raw.indexOf('endstream', bodyStart, 'latin1');
    if (end < 0) break;
    const body = raw.subarray(bodyStart, end);
    let content: string;
    try {
      content = inflateSync(body).toString('latin1');
    } catch {
      content = body.toString('latin1');
    }
    for (const m of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) texts.push(Buffer.from(m[1]!, 'hex').toString('latin1'));
    at = end + 'endstream'.length;
  }
  return texts.join('\n');
}
