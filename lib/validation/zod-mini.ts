import type { z as classic } from 'zod';
import { config, type ZodMiniType, type input, type output } from 'zod/mini';

/**
 * zod's tree-shakable build, for form schemas a portal page ships to the browser. The portal's
 * first-load budget (docs/performance.md) has no room for classic zod, which bundles every
 * locale and its JSON-schema tools (~90 kB gzip); these checks cost a few kB, and the portal's
 * forms load even those after the page is interactive (lib/forms/use-lazy-action-form.ts). Import the
 * functions from 'zod/mini' itself (`import * as z from 'zod/mini'`, used only as `z.object(…)`):
 * re-exporting the namespace from here would keep all of it. Importing this module sets the
 * same jitless option as lib/validation/zod.ts (the CSP refuses the `new Function` probe).
 */
config({ jitless: true });

/**
 * A mini schema as the action wrappers and the form hooks are typed to take it. They only call
 * what every zod 4 schema has (`safeParse`, `parse`, `parseAsync`, an object's `shape`), so the cast changes
 * the type, not the behaviour; it only lets them accept the smaller build. Do not call classic
 * methods (`.optional()`, `.refine()`) on the result: build the schema with the mini functions.
 */
export function formSchema<S extends ZodMiniType>(schema: S): classic.ZodType<output<S>, input<S>> {
  return schema as unknown as classic.ZodType<output<S>, input<S>>;
}
