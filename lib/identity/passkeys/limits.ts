/**
 * The passkey name's limit, apart from the schemas so that a form can write `maxLength` without
 * bringing zod into the page's first load (the portal's 150 kB budget, docs/performance.md).
 * Browser-safe.
 */
export const PASSKEY_NAME_MAX = 60;
