import 'server-only';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Executor } from '@/db/client';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now as clockNow } from '@/lib/clock';
import type { ClientInfo } from '@/lib/http/client-info';
import { z } from '@/lib/validation/zod';
import type { RelyingParty } from './relying-party';
import { defaultPasskeyNameKey } from './schemas';
import { claimChallenge, credentialsOnHost, findCredential, recordUse, storeChallenge, type NewCredential, type PasskeyOwner } from './store';

/**
 * The two WebAuthn ceremonies, through @simplewebauthn/server, for any owner (lib/identity/
 * passkeys/store.ts). Each starts by storing a one-use challenge tied to its context (the
 * session that adds a passkey, the sign-in attempt that asks for one) and the host; each finishes
 * by claiming exactly that challenge, then letting the library check origin, RP ID hash, user
 * verification and the signature. Every refusal is the same word, 'failed': a caller cannot tell
 * (and so cannot tell an attacker) whether the host, the clinic, the challenge or the key was wrong.
 */

/** How long a challenge can be answered; the browser's own prompt gives up sooner. */
export const PASSKEY_CHALLENGE_SECONDS = 5 * 60;
const BROWSER_TIMEOUT_MS = 3 * 60 * 1000;
/** EdDSA, ES256, RS256: what platform authenticators and security keys make. */
const ALGORITHMS = [-8, -7, -257];

export type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON };

// The WebAuthn library (with its CBOR, ASN.1 and COSE code) is loaded at the first ceremony, not
// with this module: every sign-in page imports it through its actions, and evaluating the library
// was a fifth of the portal sign-in page's cold start (bench/cold-start.ts).
const webauthn = () => import('@simplewebauthn/server');
const helpers = () => import('@simplewebauthn/server/helpers');

/** The person's handle inside the credential: their row's id as 16 bytes (never a name or email). */
async function userHandle(owner: PasskeyOwner): Promise<Uint8Array<ArrayBuffer>> {
  const { isoUint8Array } = await helpers();
  return isoUint8Array.fromHex(owner.id.replace(/-/g, '')) as Uint8Array<ArrayBuffer>;
}

export async function registrationOptions(
  db: Executor,
  owner: PasskeyOwner,
  rp: RelyingParty,
  input: { contextId: string; userName: string; userDisplayName: string },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await credentialsOnHost(db, owner, rp.id);
  const { generateRegistrationOptions } = await webauthn();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: await userHandle(owner),
    userName: input.userName,
    userDisplayName: input.userDisplayName,
    timeout: BROWSER_TIMEOUT_MS,
    attestationType: 'none',
    // The same authenticator twice on one host would be one passkey listed twice.
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await storeChallenge(db, owner, { ceremony: 'register', contextId: input.contextId, rpId: rp.id }, options.challenge, addSeconds(clockNow(), PASSKEY_CHALLENGE_SECONDS));
  return options;
}

export type RegistrationOutcome =
  | { ok: true; credential: NewCredential }
  | { ok: false; error: 'failed' };

/**
 * Checks a new credential against the challenge of this context and host. What it returns is
 * ready to store (insertCredential), with the person's name for it or the default for its kind.
 */
export async function verifyRegistration(
  db: Executor,
  owner: PasskeyOwner,
  rp: RelyingParty,
  input: { contextId: string; response: string; name: string | undefined; defaultName: (key: ReturnType<typeof defaultPasskeyNameKey>) => string },
): Promise<RegistrationOutcome> {
  const failed = { ok: false, error: 'failed' } as const;
  const response = parseCredential<RegistrationResponseJSON>(input.response, registrationShape);
  const challenge = response && (await challengeOf(response.response.clientDataJSON));
  if (!response || !challenge) return failed;
  if (!(await claimChallenge(db, owner, { ceremony: 'register', contextId: input.contextId, rpId: rp.id }, challenge))) return failed;
  const [{ verifyRegistrationResponse }, { isoBase64URL }] = await Promise.all([webauthn(), helpers()]);
  try {
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!verification.verified) return failed;
    const info = verification.registrationInfo;
    const transports = info.credential.transports ?? response.response.transports ?? [];
    return {
      ok: true,
      credential: {
        name: input.name ?? input.defaultName(defaultPasskeyNameKey(info.credentialDeviceType, transports)),
        credentialId: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        rpId: rp.id,
      },
    };
  } catch {
    return failed;
  }
}

/** Options for signing in with one of the owner's passkeys made on this host; null when there is none. */
export async function authenticationOptions(
  db: Executor,
  owner: PasskeyOwner,
  rp: RelyingParty,
  input: { contextId: string },
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const credentials = await credentialsOnHost(db, owner, rp.id);
  if (credentials.length === 0) return null;
  const { generateAuthenticationOptions } = await webauthn();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: 'required',
    timeout: BROWSER_TIMEOUT_MS,
  });
  await storeChallenge(db, owner, { ceremony: 'authenticate', contextId: input.contextId, rpId: rp.id }, options.challenge, addSeconds(clockNow(), PASSKEY_CHALLENGE_SECONDS));
  return options;
}

export type AssertionOutcome =
  | { ok: true; passkeyId: string }
  | { ok: false; error: 'failed' };

/**
 * Checks a sign-in with a passkey. The credential must be the owner's (so of their clinic) and
 * made on this very host; a counter that does not grow (a cloned authenticator, or the same
 * assertion twice) is refused and audited.
 */
export async function verifyAssertion(
  db: Executor,
  owner: PasskeyOwner,
  rp: RelyingParty,
  input: { contextId: string; response: string },
  client: ClientInfo,
): Promise<AssertionOutcome> {
  const failed = { ok: false, error: 'failed' } as const;
  const response = parseCredential<AuthenticationResponseJSON>(input.response, assertionShape);
  const challenge = response && (await challengeOf(response.response.clientDataJSON));
  if (!response || !challenge) return failed;
  if (!(await claimChallenge(db, owner, { ceremony: 'authenticate', contextId: input.contextId, rpId: rp.id }, challenge))) return failed;
  const stored = await findCredential(db, owner, response.id);
  if (!stored || stored.rpId !== rp.id) return failed;
  let newCounter: number;
  const [{ verifyAuthenticationResponse }, { isoBase64URL }] = await Promise.all([webauthn(), helpers()]);
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      // The library's counter check is replaced by recordUse's conditional UPDATE below, which
      // also holds when two requests carry the same assertion at once; 0 here turns the former off.
      credential: { id: stored.credentialId, publicKey: isoBase64URL.toBuffer(stored.publicKey), counter: 0, transports: stored.transports as AuthenticatorTransport[] },
    });
    if (!verification.verified) return failed;
    newCounter = verification.authenticationInfo.newCounter;
  } catch {
    return failed;
  }
  if (!(await recordUse(db, owner, stored.id, newCounter))) {
    await recordAudit(db, {
      tenantId: owner.kind === 'operator' ? null : owner.tenantId,
      actor: { kind: owner.kind === 'portal_account' ? 'patient' : owner.kind, id: owner.id },
      action: 'auth.passkey_counter_regressed',
      outcome: 'denied',
      target: { type: 'passkey', id: stored.id },
      ip: client.ip,
      userAgent: client.userAgent,
      details: { storedCounter: stored.counter, receivedCounter: newCounter },
    });
    return failed;
  }
  return { ok: true, passkeyId: stored.id };
}

// The browser's JSON, checked for shape before the library reads it (it expects these types).
const b64 = z.string().min(1).max(8_000).regex(/^[A-Za-z0-9_-]+$/);
const registrationShape = z.object({
  id: b64, rawId: b64, type: z.literal('public-key'),
  response: z.object({ clientDataJSON: b64, attestationObject: b64, transports: z.array(z.string().max(20)).max(10).optional() }).loose(),
  clientExtensionResults: z.record(z.string(), z.unknown()).optional().default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
}).loose();
const assertionShape = z.object({
  id: b64, rawId: b64, type: z.literal('public-key'),
  response: z.object({ clientDataJSON: b64, authenticatorData: b64, signature: b64, userHandle: b64.optional() }).loose(),
  clientExtensionResults: z.record(z.string(), z.unknown()).optional().default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
}).loose();

function parseCredential<T>(text: string, shape: z.ZodType): T | null {
  try {
    const parsed = shape.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as T) : null;
  } catch {
    return null;
  }
}

/** The challenge the browser says it signed (checked against the stored one by the claim). */
async function challengeOf(clientDataJSON: string): Promise<string | null> {
  const { decodeClientDataJSON } = await helpers();
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 200 ? challenge : null;
  } catch {
    return null;
  }
}
