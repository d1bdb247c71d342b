import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';

/**
 * Next gives middleware and pages the request's headers but not its socket, and `next start`
 * fills in X-Forwarded-For from the socket only when the client sent none: a client that sends
 * one is indistinguishable from the socket address. So, once per process (instrumentation.ts),
 * every incoming request gets its TCP peer written into SOCKET_ADDRESS_HEADER, replacing
 * whatever the client put there, before Next reads the headers. Middleware trusts the header
 * only when this process installed the stamp (on Vercel it is not needed).
 */

export const SOCKET_ADDRESS_HEADER = 'x-carebridge-socket-address';
const INSTALLED = Symbol.for('carebridge.socket-address-stamp');
type Stamped = typeof globalThis & { [INSTALLED]?: boolean };

function stamp(request: IncomingMessage): void {
  const address = request.socket?.remoteAddress;
  if (address) request.headers[SOCKET_ADDRESS_HEADER] = address;
  else delete request.headers[SOCKET_ADDRESS_HEADER];
}

export function installSocketAddressStamp(): void {
  const g = globalThis as Stamped;
  if (g[INSTALLED]) return;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
    // Patched on the prototype: `next start` has created its server before instrumentation runs.
    Server.prototype.emit = function emitStamped(this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') stamp(args[0] as IncomingMessage);
      return emit.call(this, event, ...args);
    } as typeof Server.prototype.emit;
  }
  g[INSTALLED] = true;
}

export function socketAddressStampInstalled(): boolean {
  return (globalThis as Stamped)[INSTALLED] === true;
}
