/**
 * The errors every domain shares, and the one place that reads a Postgres error code. Browser-safe
 * (no imports): the action wrappers map these to the form result, the pages to 403/404.
 */

export class ForbiddenError extends Error {
  constructor(readonly permission: string) {
    super(`Missing permission ${permission}`);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends Error {
  constructor(what = 'record') {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/**
 * A business rule refused the request, in the words the person should read. `fieldErrors` point
 * at the form fields to fix; `extra` is merged into the form's result (a suggested colour, the
 * values to show again). The action wrappers return it as `{ ok: false, message, fieldErrors }`.
 */
export class RuleError extends Error {
  constructor(
    readonly code: string,
    readonly userMessage: string,
    readonly fieldErrors?: Record<string, string>,
    readonly extra?: Record<string, unknown>,
  ) {
    super(code);
    this.name = 'RuleError';
  }
}

/** The Postgres codes the product answers in words (DESIGN.md: read them through `cause`). */
export const PG = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  serializationFailure: '40001',
  deadlock: '40P01',
} as const;

/** Postgres error codes arrive on `cause` when Drizzle wraps the driver's error. */
export function postgresErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

// postgres.js's codes for a connection that failed, dropped or timed out (the driver's, and the socket's).
const CONNECTION_LOST = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/** Whether an error is the database being out of reach (not a query it refused). */
export function isDatabaseUnreachable(error: unknown): boolean {
  const code = postgresErrorCode(error);
  return code !== undefined && CONNECTION_LOST.has(code);
}

/**
 * One line for a log: the error's name and Postgres code only. A failed query's message quotes
 * its parameters (a message body, a name), which must not reach the logs.
 */
export function errorSummary(error: unknown): string {
  const name = error instanceof Error ? error.name : 'unknown';
  const code = postgresErrorCode(error);
  return code ? `${name} ${code}` : name;
}
