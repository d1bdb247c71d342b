import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A WebAuthn authenticator in software, so registration and sign-in go through
 * @simplewebauthn/server's real verification in integration tests: an ES256 (P-256) key per
 * credential, "none" attestation, authenticatorData with the flags a platform authenticator sets
 * (UP | UV, and AT when a credential is made) and a signature counter.
 *
 * It answers whatever options it is given, for the origin and RP ID the test says the browser is
 * on (a browser would refuse an RP ID that is not its host; the server must refuse it too). The
 * answers are the JSON @simplewebauthn/browser posts, as a string, as the forms send it.
 */

export interface SoftCredential {
  id: Buffer;
  rpId: string;
  privateKey: KeyObject;
  cose: Buffer;
  counter: number;
  userHandle: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface CeremonyOverrides {
  /** The page's origin, as the browser writes it in clientDataJSON. */
  origin: string;
  /** The RP ID the authenticator signs for; by default the options' own. */
  rpId?: string;
  /** Answer a different challenge than the options'. */
  challenge?: string;
  /** Leave the user-verified flag off (a key without a PIN). */
  userVerified?: boolean;
  /** The signature counter to report, instead of the next one. */
  counter?: number;
}

export class SoftwareAuthenticator {
  readonly credentials: SoftCredential[] = [];
  /** Counters start here; 0 means "this authenticator keeps no counter" (as synced passkeys do). */
  constructor(private readonly counterStep = 1) {}

  /**
   * navigator.credentials.create(): a new credential for `options` (PublicKeyCredentialCreationOptionsJSON),
   * or `again` attested once more (an authenticator that ignores the page's exclude list).
   */
  register(options: { challenge: string; rp: { id?: string }; user: { id: string } }, overrides: CeremonyOverrides & { again?: SoftCredential }): string {
    const rpId = overrides.rpId ?? options.rp.id!;
    const credential = overrides.again ?? newCredential(rpId, options.user.id);
    const counter = overrides.counter ?? 0;
    credential.counter = counter;
    const attested = Buffer.concat([Buffer.alloc(16), u16(credential.id.length), credential.id, credential.cose]);
    const authData = authenticatorData(rpId, flags(overrides) | FLAG_AT, counter, attested);
    const clientData = clientDataJSON('webauthn.create', overrides.challenge ?? options.challenge, overrides.origin);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    if (!overrides.again) this.credentials.push(credential);
    return JSON.stringify({
      id: credential.id.toString('base64url'),
      rawId: credential.id.toString('base64url'),
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    });
  }

  /** navigator.credentials.get(): an assertion with the first allowed credential this authenticator holds. */
  assert(options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] }, overrides: CeremonyOverrides, credential = this.pick(options)): string {
    const rpId = overrides.rpId ?? options.rpId!;
    credential.counter = overrides.counter ?? credential.counter + this.counterStep;
    const authData = authenticatorData(rpId, flags(overrides), credential.counter);
    const clientData = clientDataJSON('webauthn.get', overrides.challenge ?? options.challenge, overrides.origin);
    const signature = sign('sha256', Buffer.concat([authData, createHash('sha256').update(clientData).digest()]), credential.privateKey);
    return JSON.stringify({
      id: credential.id.toString('base64url'),
      rawId: credential.id.toString('base64url'),
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    });
  }

  private pick(options: { allowCredentials?: { id: string }[] }): SoftCredential {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const found = this.credentials.find((c) => allowed.size === 0 || allowed.has(c.id.toString('base64url')));
    if (!found) throw new Error('software authenticator: no allowed credential');
    return found;
  }
}

function newCredential(rpId: string, userHandle: string): SoftCredential {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  const cose = cbor(new Map<number, unknown>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, Buffer.from(jwk.x, 'base64url')],
    [-3, Buffer.from(jwk.y, 'base64url')],
  ]));
  return { id: randomBytes(32), rpId, privateKey, cose, counter: 0, userHandle };
}

function flags(overrides: CeremonyOverrides): number {
  return FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV);
}

function authenticatorData(rpId: string, flagByte: number, counter: number, attested?: Buffer): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(counter);
  return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flagByte]), count, ...(attested ? [attested] : [])]);
}

function clientDataJSON(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** The CBOR the attestation needs (RFC 8949): small maps of integers, text and byte strings. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.concat([Buffer.from([(major << 5) | 25]), u16(n)]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (value instanceof Map) {
    return Buffer.concat([head(5, value.size), ...[...value.entries()].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  }
  throw new Error(`cbor: cannot encode ${typeof value}`);
}
