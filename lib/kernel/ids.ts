/**
 * Ids, shared by the browser and the server. A posted id that is not a uuid names no row:
 * checking first keeps Postgres from raising 22P02 (a 500) on a malformed id.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
