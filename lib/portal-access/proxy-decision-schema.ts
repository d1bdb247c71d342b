import 'server-only';
import { z } from '@/lib/validation/zod';

/**
 * The portal's one-button forms on "My relationships" (issue 19): the patient's own account
 * agrees to a proxy's full access as a teen, or grants access again as an adult, or takes either
 * back. The messages are keys of the page's catalogue (notes-relationships).
 */
export const proxyDecisions = ['teen-consent', 'teen-withdraw', 'adult-grant', 'adult-withdraw'] as const;
export type ProxyDecision = (typeof proxyDecisions)[number];

export const proxyDecisionSchema = z.object({
  accountId: z.uuid('decisionNotAvailable'),
  decision: z.enum(proxyDecisions, 'decisionNotAvailable'),
});
