import type { ActionState } from '@/lib/actions/result';
import type { Answers } from '@/lib/clinic-forms/enable-when';
import type { FillProblem } from '@/lib/clinic-forms/fill-rules';

// What the filling page's actions answer (types only, shared by the actions and the page).

/** The form post ("Save and continue later" or "Submit"), with or without JavaScript. */
export interface FillState extends ActionState {
  /** A submitted form redirects to its page (?sent=1), so only a save answers here. */
  done?: 'saved';
  /** The revision the next save must name, after a save. */
  revision?: number;
  /** Problems by linkId, as codes (the page words them). */
  problems?: Record<string, FillProblem>;
  /** A refused file, by linkId, in the patient's words. */
  fileErrors?: Record<string, string>;
  /** Answers as posted, shown again after a refusal (a page without JavaScript re-renders from them). */
  answers?: Answers;
  /** Typed signature names and roles as posted, by linkId (never the drawing). */
  signatures?: Record<string, { name: string; role: string }>;
  stale?: boolean;
}

/** An autosave's answer. */
export interface SaveAnswersState extends ActionState {
  revision?: number;
  problems?: Record<string, FillProblem>;
  stale?: boolean;
}

/** A file attached to a file question. */
export interface AnswerFileState extends ActionState {
  fileId?: string;
}
