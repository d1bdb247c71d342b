import 'server-only';

const MAX_DISPLAY_NAME = 78;

/**
 * The From header of a clinic's email: the clinic's name as the display name, on the address
 * the deployment sends from (EMAIL_FROM, "Carebridge <no-reply@mail.example>" or a bare address).
 * `"Sunrise Family Clinic" <no-reply@mail.example>`.
 *
 * The name is the clinic's own text, so it is made safe for a header here: control characters
 * and line breaks (header injection) go, runs of spaces become one, and it is written as a
 * quoted string (RFC 5322) with `"` and `\` escaped, so a comma or an angle bracket in it cannot
 * make a second address. An empty result keeps the configured From as it is.
 */
export function clinicFromHeader(configuredFrom: string, clinicName: string): string {
  const address = fromAddress(configuredFrom);
  const name = clinicName
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_DISPLAY_NAME)
    .trim();
  if (!address || !name) return configuredFrom.trim();
  return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
}

/** The bare address of a From value: inside the angle brackets, or the whole value. */
export function fromAddress(from: string): string {
  const value = from.trim();
  const bracketed = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (bracketed) return bracketed[1]!;
  return /^[^<>\s"]+@[^<>\s"]+$/.test(value) ? value : '';
}
