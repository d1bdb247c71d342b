import 'server-only';
/**
 * The time, through one function, so tests can move it (expiry, lockouts, idle timeouts)
 * without sleeping. Production never calls setClockForTests.
 */
const CLOCK_KEY = Symbol.for('carebridge.clock');
type GlobalWithClock = typeof globalThis & { [CLOCK_KEY]?: () => Date };

export function now(): Date {
  const override = (globalThis as GlobalWithClock)[CLOCK_KEY];
  return override ? override() : new Date();
}

export function setClockForTests(clock: (() => Date) | undefined): void {
  (globalThis as GlobalWithClock)[CLOCK_KEY] = clock;
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
