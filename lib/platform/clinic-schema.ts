import { z } from '@/lib/validation/zod';

/** The console's "Create a clinic" form, checked in the browser and again by the action. */
export const clinicSchema = z.object({
  name: z.string().trim().min(2, 'Enter the clinic’s name.').max(120),
  slug: z.string().trim().toLowerCase().min(1, 'Choose the clinic’s address.').max(63),
  adminName: z.string().trim().min(1, 'Enter the first admin’s name.').max(120),
  adminEmail: z.string().trim().max(254).email('Enter a valid email address.'),
});

export const clinicStatusSchema = z.object({ tenantId: z.uuid(), status: z.enum(['active', 'suspended']) });
