'use client';

import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

// @simplewebauthn/browser's browserSupportsWebAuthn() does the same check; importing it would put
// the whole library (its package has no sideEffects flag) in every page with a passkey button.
const browserSupportsWebAuthn = () => typeof globalThis.PublicKeyCredential === 'function';

/**
 * Whether passkey buttons can work here: 'unknown' on the server and until the page is
 * interactive (so without JavaScript they stay disabled), then whether the browser has WebAuthn.
 */
export function useWebAuthnSupport(): 'unknown' | 'yes' | 'no' {
  return useSyncExternalStore(noSubscription, () => (browserSupportsWebAuthn() ? 'yes' : 'no'), () => 'unknown');
}
