import { createFormControl } from 'react-hook-form';
import { answersFromEntries } from '@/lib/clinic-forms/answers';
import { answerFields, type FormDefinition } from '@/lib/clinic-forms/definition';
import type { Answers } from '@/lib/clinic-forms/enable-when';
import { answersResolver, isFillProblem, type FillProblem } from '@/lib/clinic-forms/fill-rules';
import type { SaveAnswersState } from '@/components/clinic-forms/fill/fill-state';

/**
 * The filling page's interactive half, loaded after the page is interactive (the portal's
 * first-load budget, docs/performance.md): react-hook-form with the resolver built from
 * checkAnswers — the server's own check — bound to the rendered form, the live answers for the
 * conditional fields, and the autosave: ~800 ms after typing stops and when a field is left,
 * one save at a time, each naming the revision the last save returned.
 */

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'not-saved' | 'stale';

export interface FillHooks {
  onAnswers: (answers: Answers) => void;
  onErrors: (errors: Record<string, FillProblem>) => void;
  onStatus: (status: SaveStatus) => void;
  save: (input: { assignmentId: string; revision: number; answers: Answers }) => Promise<SaveAnswersState>;
  revision: () => number;
  setRevision: (revision: number) => void;
}

export interface FillEnhancer {
  /** Checks every shown answer (as on submit when `final`); shows and focuses the first problem. */
  check: (final: boolean, signatures: Record<string, FillProblem>) => Promise<boolean>;
  /** Stops the timer and waits for a save in flight, so a post names the newest revision. */
  settle: () => Promise<void>;
  detach: () => void;
}

const AUTOSAVE_MS = 800;

function textEntries(form: HTMLFormElement): [string, string][] {
  return [...new FormData(form).entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

export function enhanceFill(form: HTMLFormElement, assignmentId: string, definition: FormDefinition, hooks: FillHooks): FillEnhancer {
  let final = false;
  const control = createFormControl<Answers>({ resolver: answersResolver(definition, { final: () => final }) });
  const touched = new Set<string>();
  let serverProblems: Record<string, FillProblem> = {};
  let clientProblems: Record<string, FillProblem> = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | null = null;
  let dirty = false;
  let again = false;
  let stopped = false;

  const linkIds = answerFields(definition).map((f) => f.linkId);
  const read = () => answersFromEntries(definition, textEntries(form));
  const report = () => hooks.onErrors({ ...serverProblems, ...clientProblems });

  async function validate(only?: 'touched') {
    const answers = read();
    for (const [linkId, value] of Object.entries(answers)) control.setValue(linkId, value);
    // Fields left empty or hidden since: cleared, so the resolver sees what the page shows.
    for (const linkId of Object.keys(control.getValues())) if (!(linkId in answers)) control.setValue(linkId, undefined);
    await control.trigger();
    const errors = collectErrors();
    clientProblems = only === 'touched' ? Object.fromEntries(Object.entries(errors).filter(([id]) => touched.has(id))) : errors;
    report();
  }

  function collectErrors(): Record<string, FillProblem> {
    const out: Record<string, FillProblem> = {};
    for (const linkId of linkIds) {
      const type = control.getFieldState(linkId).error?.type;
      if (isFillProblem(type)) out[linkId] = type;
    }
    return out;
  }

  async function save(): Promise<void> {
    if (stopped) return;
    if (inFlight) {
      again = true;
      return inFlight;
    }
    dirty = false;
    hooks.onStatus('saving');
    inFlight = (async () => {
      try {
        const result = await hooks.save({ assignmentId, revision: hooks.revision(), answers: read() });
        if (result.ok && typeof result.revision === 'number') {
          hooks.setRevision(result.revision);
          serverProblems = result.problems ?? {};
          report();
          hooks.onStatus(Object.keys(serverProblems).length ? 'not-saved' : 'saved');
        } else if (result.stale) {
          stopped = true;
          hooks.onStatus('stale');
        } else {
          hooks.onStatus('not-saved');
        }
      } catch {
        // Offline or the server failed: the answers stay on the page; the next change tries again.
        dirty = true;
        hooks.onStatus('not-saved');
      }
    })();
    await inFlight;
    inFlight = null;
    if (again && !stopped) {
      again = false;
      await save();
    }
  }

  const isAnswerField = (target: EventTarget | null): target is HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement =>
    (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) && target.name.startsWith('answer.');

  const onChange = (event: Event) => {
    if (!isAnswerField(event.target)) return;
    dirty = true;
    hooks.onAnswers(read());
    if (touched.size) void validate('touched');
    clearTimeout(timer);
    timer = setTimeout(() => void save(), AUTOSAVE_MS);
  };
  const onLeave = (event: FocusEvent) => {
    if (!isAnswerField(event.target)) return;
    const linkId = event.target.name.slice('answer.'.length);
    // Leaving a radio for its neighbour is still inside the question.
    const next = event.relatedTarget;
    if (isAnswerField(next) && next.name === event.target.name) return;
    touched.add(linkId);
    void validate('touched');
    if (dirty) {
      clearTimeout(timer);
      void save();
    }
  };
  form.addEventListener('input', onChange);
  form.addEventListener('change', onChange);
  form.addEventListener('focusout', onLeave);
  hooks.onAnswers(read());

  return {
    async check(isFinal, signatures) {
      final = isFinal;
      for (const linkId of Object.keys(read())) touched.add(linkId);
      await validate();
      final = false;
      clientProblems = { ...clientProblems, ...signatures };
      serverProblems = {};
      report();
      const first = Object.keys(clientProblems)[0];
      if (!first) return true;
      const element = form.querySelector<HTMLElement>(`[data-link-id="${CSS.escape(first)}"] input:not([type=hidden]), [data-link-id="${CSS.escape(first)}"] textarea, [data-link-id="${CSS.escape(first)}"] select`);
      element?.focus();
      return false;
    },
    async settle() {
      clearTimeout(timer);
      if (inFlight) await inFlight;
    },
    detach() {
      clearTimeout(timer);
      stopped = true;
      form.removeEventListener('input', onChange);
      form.removeEventListener('change', onChange);
      form.removeEventListener('focusout', onLeave);
    },
  };
}
