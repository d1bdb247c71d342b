import { z } from 'zod';

/**
 * zod for schemas that also run in the browser. Without this, zod probes `new Function('')`
 * when it builds a schema, to decide whether it may compile fast paths; under our CSP (no
 * 'unsafe-eval') the probe is blocked and reported as a violation on every page with a form.
 * Importing z from here sets the option before the importing module builds its schemas.
 */
z.config({ jitless: true });

export { z };
