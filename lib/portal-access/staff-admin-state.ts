import 'server-only';
import type { ActionState } from '@/lib/actions/result';

/** What the EMR's Patient Portal tab shows after an action. Browser-safe: types only. */
export interface PortalAdminState extends ActionState {
  /** A new printed portal ID, so the form offers the instructions to print. */
  portalCode?: string;
}
