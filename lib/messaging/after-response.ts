import 'server-only';
import { after } from 'next/server';
import { errorSummary } from '@/lib/kernel/errors';

/**
 * Runs `task` once the response has been sent (Next's `after`; `waitUntil` on Vercel). Flows
 * that answer an unknown identifier with a decoy hand their real message to this, so the
 * answer never waits for the SMS or email provider and its timing cannot tell the two apart.
 * The task handles its own failures; anything it throws is logged by name only (messages here
 * carry codes and links). Outside a request (scripts, tests calling lib/ directly) there is no
 * response to wait for, so the task runs at once and is awaited.
 */
export async function afterResponse(label: string, task: () => Promise<void>): Promise<void> {
  const guarded = async () => {
    try {
      await task();
    } catch (error) {
      console.error(`${label}: failed after the response (${errorSummary(error)})`);
    }
  };
  try {
    after(guarded);
    return;
  } catch {
    // `after` throws outside a request scope.
  }
  await guarded();
}
