/**
 * Runs once when a server instance starts. Checks the whole environment (lib/config/environment.ts)
 * so a production deployment missing its database, secrets, message providers or storage fails
 * here, with every missing setting listed, rather than at a patient's sign-in; and stamps each
 * request with its socket address, the only client address a client cannot write itself.
 */
export async function register(): Promise<void> {
  // Imported here, not at the top: the edge runtime also loads this file.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { assertEnvironment } = await import('@/lib/config/environment');
    assertEnvironment();
    const { installSocketAddressStamp } = await import('@/lib/http/socket-address-stamp');
    installSocketAddressStamp();
  }
}
