/**
 * IANA time zones this runtime knows. The CRM's select is drawn from this list and the server
 * validates against the same list, so a zone a location is saved with is one Intl can format in.
 */
let cached: readonly string[] | undefined;

export function supportedTimeZones(): readonly string[] {
  cached ??= Intl.supportedValuesOf('timeZone');
  return cached;
}

export function isSupportedTimeZone(value: string): boolean {
  return supportedTimeZones().includes(value);
}
