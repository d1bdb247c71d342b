import 'server-only';
import type { ActionState } from '@/lib/actions/result';

/** What a CRM settings action returns to its form. Browser-safe: types only. */
export interface SettingsActionState extends ActionState {
  /** A colour that passes the contrast check, offered as "Use #xxxxxx". */
  suggestion?: string;
}
