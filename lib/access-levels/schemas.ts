import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/** The name of a custom access level (create and rename), shared by the browser and the server. */
export const accessLevelNameSchema = z.strictObject({
  name: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().replace(/\s+/g, ' ') : v),
    withoutControlChars(z.string({ error: 'Enter a name for the level.' })).min(1, 'Enter a name for the level.').max(60, 'Keep the name to 60 characters or fewer.'),
  ),
});
