import 'server-only';
import { isProduction } from '@/lib/config/env';
import { SNS_TOPIC_ARN } from '@/lib/config/environment';

/**
 * Where SNS lives for a topic, and the one way this app calls it over plain HTTPS (a signing
 * certificate, a subscription's confirmation link). SNS signs a topic's messages with a
 * certificate served by the SNS endpoint of the topic's own region, and its links point there
 * too, so every URL a message names must be on exactly that host.
 */

export interface SnsTopic {
  arn: string;
  region: string;
  /** sns.<region>.amazonaws.com (.com.cn in the China partition). */
  host: string;
}

/** The topic's region and SNS host, or null when `arn` is not an SNS topic ARN. */
export function snsTopic(arn: string): SnsTopic | null {
  const match = SNS_TOPIC_ARN.exec(arn);
  if (!match) return null;
  const [, partition, region] = match;
  return { arn, region: region!, host: `sns.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}` };
}

/**
 * `url` parsed when it is an https URL on the topic's SNS host (no port, no credentials, no
 * fragment), else null. Anything else in a message is an attacker's link.
 */
export function snsUrlOf(topic: SnsTopic, url: unknown): URL | null {
  if (typeof url !== 'string' || url.length > 2048) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const exact = parsed.protocol === 'https:' && parsed.hostname === topic.host && parsed.port === '' &&
    parsed.username === '' && parsed.password === '' && parsed.hash === '';
  return exact ? parsed : null;
}

// Tests point these calls at a loopback server instead of AWS (see setSnsOriginForTests).
const ORIGIN_KEY = Symbol.for('carebridge.sns-origin-for-tests');
type GlobalWithOrigin = typeof globalThis & { [ORIGIN_KEY]?: string };

/**
 * Tests only: sends the requests `fetchFromSns` makes to `origin` (a loopback server) with the
 * same path and query, after every check on the AWS URL has passed. Refused in production, and
 * ignored there even if set some other way, so no configuration can point the certificate fetch
 * anywhere but AWS.
 */
export function setSnsOriginForTests(origin: string | undefined): void {
  if (isProduction) throw new Error('setSnsOriginForTests is for tests only');
  (globalThis as GlobalWithOrigin)[ORIGIN_KEY] = origin;
}

const DEADLINE_MS = 5_000;

/**
 * GET an SNS URL (already checked with `snsUrlOf`): no redirects (a redirect could leave AWS),
 * a 5 s deadline, so a hung connection costs the webhook a retry rather than the function's
 * whole time budget.
 */
export async function fetchFromSns(url: URL): Promise<Response> {
  const override = isProduction ? undefined : (globalThis as GlobalWithOrigin)[ORIGIN_KEY];
  const target = override ? new URL(`${url.pathname}${url.search}`, override) : url;
  return fetch(target, { redirect: 'error', signal: AbortSignal.timeout(DEADLINE_MS), cache: 'no-store' });
}
