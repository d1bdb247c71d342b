'use client';

import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { useSyncExternalStore } from 'react';

const noSubscription = () => () => {};

/**
 * Whether passkey buttons can work here: 'unknown' on the server and until the page is
 * interactive (so without JavaScript they stay disabled), then whether the browser has WebAuthn.
 */
export function useWebAuthnSupport(): 'unknown' | 'yes' | 'no' {
  return useSyncExternalStore(noSubscription, () => (browserSupportsWebAuthn() ? 'yes' : 'no'), () => 'unknown');
}
