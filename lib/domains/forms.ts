import type { SettingsActionState } from '@/lib/settings/action-state';
import { z } from '@/lib/validation/zod';

/**
 * The Domains page's forms, shared by the browser and the server. The schemas only ask for a
 * value: whether it can be an address is decided in lib/domains/domains.ts, which knows the
 * platform's root and the other clinics.
 */

export const subdomainSchema = z.strictObject({ label: z.string({ error: 'Enter the address you want.' }) });
export const customDomainSchema = z.strictObject({ hostname: z.string({ error: 'Enter a domain name.' }) });

export interface DomainActionState extends SettingsActionState {
  /** Verify: DNS found the token but the CNAME does not point at the platform. */
  warning?: string;
}
