import 'server-only';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { now } from '@/lib/clock';
import { fetchFromSns } from './sns-endpoint';

/**
 * SNS's signing certificates, fetched once per URL and kept in the process (AWS publishes a
 * new certificate under a new URL, so a URL's certificate never changes). Only a parsed,
 * currently valid certificate is kept: an error page or a timeout is never remembered as
 * one, so the next message tries again. In-flight fetches are shared, and the cache is small
 * and bounded (SNS uses one certificate at a time per region).
 */

/** The certificate could not be had just now (network, timeout, AWS answered 5xx): worth a retry. */
export class SnsCertificateUnavailable extends Error {}
/** What the URL served is not a usable certificate (4xx, not X.509, expired). */
export class SnsCertificateRefused extends Error {}

const MAX_CERTIFICATES = 16;
// A certificate is re-read at least daily, so one AWS revokes does not live as long as the process.
const KEEP_MS = 24 * 60 * 60 * 1000;
const MAX_PEM_CHARS = 16 * 1024;

interface Entry { key: Promise<KeyObject>; expiresAt: number }
const cache = new Map<string, Entry>();

/** The public key of the certificate at `url` (an https URL on SNS's host, checked by the caller). */
export function snsSigningKey(url: URL): Promise<KeyObject> {
  const id = url.href;
  const cached = cache.get(id);
  if (cached && cached.expiresAt > now().getTime()) return cached.key;
  const loading = fetchCertificate(url);
  const entry: Entry = { key: loading.then((c) => c.key), expiresAt: now().getTime() + KEEP_MS };
  cache.set(id, entry);
  while (cache.size > MAX_CERTIFICATES) cache.delete(cache.keys().next().value!);
  loading.then(
    (c) => { entry.expiresAt = Math.min(entry.expiresAt, c.validTo); },
    () => { if (cache.get(id) === entry) cache.delete(id); },
  );
  return entry.key;
}

async function fetchCertificate(url: URL): Promise<{ key: KeyObject; validTo: number }> {
  let response: Response;
  try {
    response = await fetchFromSns(url);
  } catch (error) {
    throw new SnsCertificateUnavailable(`SNS certificate: request failed (${error instanceof Error ? error.name : 'unknown'})`);
  }
  if (response.status >= 500 || response.status === 429) throw new SnsCertificateUnavailable(`SNS certificate: HTTP ${response.status}`);
  if (response.status !== 200) throw new SnsCertificateRefused(`SNS certificate: HTTP ${response.status}`);
  let pem: string;
  try {
    pem = await response.text();
  } catch {
    throw new SnsCertificateUnavailable('SNS certificate: the answer was cut off');
  }
  if (pem.length > MAX_PEM_CHARS) throw new SnsCertificateRefused('SNS certificate: too large');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new SnsCertificateRefused('SNS certificate: not an X.509 certificate');
  }
  const at = now().getTime();
  const validTo = Date.parse(certificate.validTo);
  if (!(Date.parse(certificate.validFrom) <= at && at <= validTo)) throw new SnsCertificateRefused('SNS certificate: not valid today');
  return { key: certificate.publicKey, validTo };
}

/** Tests start each case with an empty cache (a certificate of an earlier case is not reused). */
export function forgetSnsCertificatesForTests(): void {
  cache.clear();
}
