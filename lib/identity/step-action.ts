import 'server-only';
import type { z } from 'zod';
import { fieldErrorsOf } from '@/lib/actions/failures';
import type { FieldErrors } from '@/lib/actions/result';

/**
 * A form of several steps on one page (sign-in, activation, password reset): each button posts
 * an `intent`, and the step it names reads its own fields with its own schema. It is the body of
 * an action wrapper (lib/actions/wrappers.ts), which has already found the clinic and the caller.
 *
 * Each step is written in the action file as `{ intent: '…', schema, run }`: the isolation and
 * bad-input suites read the intents from there (tests/support/app-registry.ts) and the fields
 * from the wrapper's description.
 */

/** Every field of a step's schema as posted: text, or '' when missing or a file. */
export type PostedText = Record<string, string>;

export interface Step<R, S, I = PostedText> {
  intent: string;
  schema?: z.ZodType<I>;
  /** The page's answer to input the schema refuses (the fields' messages are the schema's). */
  invalid?(r: R, fieldErrors: FieldErrors, posted: PostedText): NoInfer<S> | Promise<NoInfer<S>>;
  run(r: R, input: I, posted: PostedText): Promise<NoInfer<S>>;
}

/** A step whose input is its schema's output (the type follows from the schema; the rest from the form). */
export function step<R, S, I>(definition: Step<R, S, I>): Step<R, S, I> {
  return definition;
}

export interface StepForm<C, R, S> {
  /** What every step works with, built once per post from the wrapper's context. */
  request(ctx: C, prev: S, form: FormData | undefined): Promise<R>;
  /** Fields `request` reads from every post (the area a staff member signs in to). */
  reads?: readonly string[];
  steps: readonly Step<R, S, unknown>[];
  /** The answer to a post without a known intent: the form's first step. */
  otherwise(r: R): S;
}

export type StepBody<C, S> = ((ctx: C, input: unknown, extras: { form?: FormData; prev?: unknown }) => Promise<S>) & { fields: readonly string[] };

export function schemaFields(schema: z.ZodType | undefined): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

/** The schema's fields as text, as a form posts them; nothing else from the form is read. */
function postedText(form: FormData | undefined, schema: z.ZodType | undefined): PostedText {
  return Object.fromEntries(schemaFields(schema).map((name) => {
    const value = form?.get(name);
    return [name, typeof value === 'string' ? value : ''];
  }));
}

/** The wrapper's body for a form of several steps. */
export function stepAction<C, R, S>(form: StepForm<C, R, S>): StepBody<C, S> {
  const steps = new Map(form.steps.map((s) => [s.intent, s]));
  const body = async (ctx: C, _input: unknown, { form: posted, prev }: { form?: FormData; prev?: unknown }): Promise<S> => {
    const r = await form.request(ctx, (prev ?? {}) as S, posted);
    const intent = posted?.get('intent');
    const current = typeof intent === 'string' ? steps.get(intent) : undefined;
    if (!current) return form.otherwise(r);
    const text = postedText(posted, current.schema);
    if (!current.schema) return current.run(r, text, text);
    const parsed = current.schema.safeParse(text);
    if (parsed.success) return current.run(r, parsed.data, text);
    const fieldErrors = fieldErrorsOf(parsed.error);
    return current.invalid ? current.invalid(r, fieldErrors, text) : form.otherwise(r);
  };
  const fields = [...new Set(['intent', ...(form.reads ?? []), ...form.steps.flatMap((s) => schemaFields(s.schema))])];
  return Object.assign(body, { fields });
}
