import { ConfigurationError } from '@/lib/config/env';
import { assertEnvironment, type EnvironmentGroup } from '@/lib/config/environment';

/** A script's first step: the settings it needs, all problems in one message, then exit 1. */
export function checkEnvironmentOrExit(groups?: readonly EnvironmentGroup[], env: Record<string, string | undefined> = process.env): void {
  try {
    assertEnvironment(env, groups);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
