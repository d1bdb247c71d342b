const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A posted id that is not a uuid names no row; checking first keeps Postgres from raising 22P02. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
