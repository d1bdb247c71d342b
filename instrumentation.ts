/**
 * Runs once when a server instance starts. Checks the messaging configuration so a production
 * deployment without SMS or email providers fails at start rather than at a patient's sign-in.
 */
export async function register(): Promise<void> {
  // Imported here, not at the top: the edge runtime also loads this file and cannot load the
  // AWS SDK or the database client.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { assertMessagingConfigured } = await import('@/lib/messaging/providers');
    assertMessagingConfigured();
  }
}
