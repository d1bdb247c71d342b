import 'server-only';
import { inflateSync } from 'node:zlib';

/**
 * Whether a PDF asks the viewer to run something: JavaScript, an action on opening or on an
 * event, a launched program, a form that submits. Such a file is still kept (a clinic may need
 * it) but is never opened in the browser, only saved.
 *
 * The catalogue's keys may sit inside compressed object streams and names may be written with
 * `#xx` escapes, so compressed streams are inflated and names decoded before looking.
 */
const ACTIVE_NAMES = /\/(?:JavaScript|JS|OpenAction|AA|Launch|SubmitForm|ImportData|RichMedia|GoToE)(?![A-Za-z0-9])/;
const STREAM = /stream\r?\n/g;
/** Inflating is bounded: a small file must not expand into gigabytes. */
const MAX_INFLATED_BYTES = 8 * 1024 * 1024;
const MAX_STREAMS = 2_000;

export function pdfHasActiveContent(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  if (hasActiveName(text)) return true;
  let inflated = 0;
  let streams = 0;
  STREAM.lastIndex = 0;
  for (let match = STREAM.exec(text); match; match = STREAM.exec(text)) {
    if (++streams > MAX_STREAMS) return true;
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    let plain: Buffer;
    try {
      plain = inflateSync(bytes.subarray(start, end), { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (error) {
      // A stream too large to inflate is treated as hiding something rather than skipped.
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return true;
      // Not Flate (an image, a font in another filter) or truncated: nothing readable to check.
      STREAM.lastIndex = end;
      continue;
    }
    inflated += plain.length;
    if (hasActiveName(plain.toString('latin1'))) return true;
    // A file that expands this much is refused the viewer rather than read to the end.
    if (inflated > MAX_INFLATED_BYTES) return true;
    STREAM.lastIndex = end;
  }
  return false;
}

function hasActiveName(text: string): boolean {
  const decoded = text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return ACTIVE_NAMES.test(decoded);
}
