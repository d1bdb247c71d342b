/**
 * The arithmetic of the idle warnings (portal and staff), pure so it is unit-tested: the server
 * enforces the limit (lib/auth/session-store.ts); these only decide when the browser warns and
 * what the countdown reads.
 */

/** Whole seconds left before the idle limit, counted from the last activity this tab saw. */
export function secondsUntilIdle(lastActivityMs: number, idleSeconds: number, nowMs: number): number {
  return Math.ceil((lastActivityMs + idleSeconds * 1000 - nowMs) / 1000);
}

/**
 * How long before the limit to warn: the preferred lead (two minutes for staff), but never more
 * than half the limit, so a short limit (a test clinic's) still leaves time to work before it.
 */
export function warningLeadSeconds(idleSeconds: number, preferredSeconds: number): number {
  return Math.max(1, Math.min(preferredSeconds, Math.floor(idleSeconds / 2)));
}

/**
 * The server saw activity this tab did not (another tab, a form saved here): move this tab's
 * idea of the last activity to what the server's `secondsLeft` implies.
 */
export function lastActivityFromServer(secondsLeft: number, idleSeconds: number, nowMs: number): number {
  return nowMs - (idleSeconds - secondsLeft) * 1000;
}

/** "1:59", "0:05": the countdown as minutes and seconds (never below zero). */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
