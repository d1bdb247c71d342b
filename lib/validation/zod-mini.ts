import type { z as classic } from 'zod';
import * as z from 'zod/mini';

/**
 * zod's tree-shakable build for form schemas a portal page ships to the browser. The portal's
 * first-load budget (docs/performance.md) has no room for classic zod, which bundles every
 * locale and its JSON-schema tools (~90 kB gzip); these checks cost ~5 kB. The same jitless
 * setting as lib/validation/zod.ts: the CSP refuses the `new Function` probe.
 */
z.config({ jitless: true });

export { z };

/**
 * A mini schema as the action wrappers and useActionForm are typed to take it. Both only call
 * what every zod 4 schema has (`safeParse`, `parse`, an object's `shape`), so the cast changes
 * the type, not the behaviour; it only lets them accept the smaller build. Do not call classic
 * methods (`.optional()`, `.refine()`) on the result: build the schema with the mini functions.
 */
export function formSchema<S extends z.ZodMiniType>(schema: S): classic.ZodType<z.output<S>, z.input<S>> {
  return schema as unknown as classic.ZodType<z.output<S>, z.input<S>>;
}
