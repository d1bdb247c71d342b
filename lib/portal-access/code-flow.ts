import 'server-only';
import { redirect } from 'next/navigation';
import type { z } from 'zod';
import { getDb, type Executor } from '@/db/client';
import type { FieldErrors } from '@/lib/actions/result';
import type { PublicContext } from '@/lib/actions/wrappers';
import { clearChallengeCookie, readChallengeCookie, setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { identifierLabel } from '@/lib/auth/identifiers';
import { verificationCodeSchema } from '@/lib/auth/schemas';
import type { ClientInfo } from '@/lib/http/client-info';
import { step, stepAction, type PostedText, type Step, type StepBody } from '@/lib/identity/step-action';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { getTenantProfile, TenantUnavailableError } from '@/lib/tenancy/request-tenant';
import type { FlowResend } from './flow';
import { accessTexts, afterResend, type AccessTexts } from './form-results';
import type { PortalAccessFormState } from './form-state';
import type { FieldProblems } from './results';
import { identifierSchema, newPasswordSchema, type NewPasswordInput } from './schemas';

/**
 * The portal's signed-out flows written once: sign-in, printed activation, automatic access
 * (claim), forgot password, the emailed reset link and invitations. Each has a few steps of its
 * own (identifier, details, a password...) around the same SMS-code step ("Resend code" after the
 * countdown, the code, "Start again"). A flow says which lib function each step calls; the rest
 * is decided here, the same way for all of them:
 *   - a step that starts an attempt sets the challenge cookie; the code step and the last step
 *     clear it when the attempt ends (a wrong code with tries left does not end it);
 *   - refused fields show their own message and a failed step its reason, in the reader's
 *     language, keeping what was typed in fields that are not secret;
 *   - an attempt that ended (expired, locked, gone) goes back to the first step, or to the
 *     flow's own step for it (a link that can no longer be used, an account that exists).
 * Nothing here can tell whether a person is known: lib/ answers an unknown identifier with a
 * decoy attempt (decoy.ts) that these steps treat like any other.
 */

export interface AccessRequest<S extends PortalAccessFormState = PortalAccessFormState> {
  db: Executor;
  profile: TenantProfile;
  client: ClientInfo;
  /** The attempt this browser is in: the HttpOnly challenge cookie, never a form field. */
  challengeId: string | null;
  /** The reader's language: lib results, field problems and the flows' own sentences. */
  m: AccessTexts;
  /** What the page shows now. */
  prev: S;
}

/** What a lib step answers: done (maybe with a new attempt and its first code), or why not. */
export type StepRefusal = { ok: false; error: string; retryAfterSeconds?: number; attemptsLeft?: number; problems?: FieldProblems };
export type StepOutcome = { ok: true; challengeId?: string; maskedPhone?: string; resendAvailableAt?: Date } | StepRefusal;
type Done<O> = Extract<O, { ok: true }>;

export interface FlowStep<S extends PortalAccessFormState, I, O extends StepOutcome> {
  /** The button's `intent`. */
  intent: string;
  /** The step the page shows while this one is refused, when it is not named like the intent. */
  step?: S['step'];
  schema: z.ZodType<I>;
  /** Fields shown again after a refusal (never a secret). */
  echo?: readonly string[];
  /** A refusal keeps what the page shows (the masked phone, the identifier on file). */
  keep?: boolean;
  /** The answer to refused fields, given the usual one (each field's message). */
  invalid?(r: AccessRequest<S>, fieldErrors: FieldErrors, shown: S): S;
  run(r: AccessRequest<S>, input: I, posted: PostedText): Promise<O>;
  /** What follows success; by default the code step (a new attempt's cookie is already set). */
  then?(r: AccessRequest<S>, done: Done<O>): S | Promise<S>;
}

/** A step of a flow, its input typed by its schema. */
export function flowStep<S extends PortalAccessFormState, I, O extends StepOutcome>(definition: FlowStep<S, I, O>): FlowStep<S, I, O> {
  return definition;
}

/** A lib call on the attempt this browser is in (the code, the new password), as lib/portal-access writes them. */
export type AttemptCall<I, O> = (db: Executor, profile: TenantProfile, challengeId: string | null, input: I, client: ClientInfo) => Promise<O>;

export interface CodeCheck<S extends PortalAccessFormState, O extends StepOutcome> {
  run: AttemptCall<string, O>;
  /** After the right code: the end of the flow (finish), or by default the new password. */
  then?(r: AccessRequest<S>, done: Done<O>): S | Promise<S>;
}

export function codeCheck<S extends PortalAccessFormState, O extends StepOutcome>(definition: CodeCheck<S, O>): CodeCheck<S, O> {
  return definition;
}

export interface CodeFlow<S extends PortalAccessFormState> {
  /** Where "Start again", and an attempt that ended, lead. */
  first: S['step'];
  /** Errors after which the emailed link cannot be used any more: the 'closed' step. */
  closed?: readonly string[];
  /** Errors with a step of their own (claim: an account already exists). */
  ends?: Readonly<Record<string, S['step']>>;
  /** The flow's steps before the code. */
  steps: readonly FlowStep<S, unknown, StepOutcome>[];
  /** "Resend code", and what the page then says. */
  resend: FlowResend;
  resent: 'newCodeSent' | 'claimNewCode' | 'forgotNewCode';
  code: CodeCheck<S, StepOutcome>;
  /** Claim and password reset end with a new password, then lead to `done`. */
  newPassword?: { run: AttemptCall<NewPasswordInput, StepOutcome>; done: string };
  /** Steps a flow answers in full itself (sign-in's authenticator app instead of the SMS code). */
  more?: readonly Step<AccessRequest<S>, S, unknown>[];
}

async function accessRequest<S extends PortalAccessFormState>(ctx: PublicContext, prev: S): Promise<AccessRequest<S>> {
  const profile = await getTenantProfile(ctx.tenant.id);
  if (!profile) throw new TenantUnavailableError();
  const label = identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel);
  return {
    db: getDb(),
    profile,
    client: ctx.client,
    challengeId: await readChallengeCookie(),
    m: accessTexts(await getPublicPortalLocale(), label),
    prev,
  };
}

/** The end of a flow: the attempt is spent, and the person goes on to `path`. */
export async function finish(path: string): Promise<never> {
  await clearChallengeCookie();
  redirect(path);
}

/** Claim, forgot password and sign-in name the identifier they ask for ("Enter your SSN."). */
export function askForIdentifier<S extends PortalAccessFormState>(r: AccessRequest<S>, _fieldErrors: FieldErrors, shown: S): S {
  return shown.fieldErrors?.identifier ? { ...shown, fieldErrors: { ...shown.fieldErrors, identifier: r.m.enterIdentifier() } } : shown;
}

/** A step that asks only for the sign-in identifier (claim, forgot password): kept after a refusal. */
export function identifierStep<S extends PortalAccessFormState, O extends StepOutcome>(
  definition: Omit<FlowStep<S, { identifier: string }, O>, 'schema' | 'echo' | 'invalid'>,
): FlowStep<S, { identifier: string }, O> {
  return { ...definition, schema: identifierSchema, echo: ['identifier'], invalid: askForIdentifier };
}

/** An emailed link's token that does not parse closes the page, whatever else was posted. */
export function closedLink<S extends PortalAccessFormState>(r: AccessRequest<S>, fieldErrors: FieldErrors, shown: S): S {
  return fieldErrors.token ? ({ step: 'closed', message: r.m.result({ error: 'link-invalid' }) } as S) : shown;
}

/** What the page keeps of the current step when it answers again: not the last answer. */
function kept<S extends PortalAccessFormState>(prev: S): S {
  return { ...prev, message: undefined, notice: undefined, fieldErrors: undefined, passwordProblems: undefined };
}

/** The body of the flow's action (for publicAction): one step per `intent`. */
export function codeFlowAction<S extends PortalAccessFormState>(flow: CodeFlow<S>): StepBody<PublicContext, S> {
  const first = (): S => ({ step: flow.first }) as S;
  const newPassword = flow.newPassword && flowStep<S, NewPasswordInput, StepOutcome>({
    intent: 'password',
    schema: newPasswordSchema,
    run: (r, input) => flow.newPassword!.run(r.db, r.profile, r.challengeId, input, r.client),
  });
  const closes = (error: string) => flow.closed?.includes(error) ?? false;
  const hasOwnStep = (error: string) => Boolean(flow.ends && Object.hasOwn(flow.ends, error));
  /** The attempt is over: back to the first step, or to the step this error has. */
  const leave = (r: AccessRequest<S>, refusal: StepRefusal): S =>
    ({ step: closes(refusal.error) ? 'closed' : hasOwnStep(refusal.error) ? flow.ends![refusal.error] : flow.first, message: r.m.result(refusal) }) as S;
  const ends = (error: string) => closes(error) || hasOwnStep(error) || error === 'no-attempt';

  const stay = (r: AccessRequest<S>, s: FlowStep<S, unknown, StepOutcome>, posted: PostedText): S => {
    const values = s.echo ? Object.fromEntries(s.echo.map((name) => [name, posted[name] ?? ''])) : undefined;
    return { ...(s.keep ? kept(r.prev) : {}), step: s.step ?? s.intent, ...(values ? { values } : {}) } as S;
  };

  /** A flow step; `ending` for the last one, which ends the attempt however it goes. */
  const asStep = (s: FlowStep<S, unknown, StepOutcome>, done?: string): Step<AccessRequest<S>, S, unknown> => ({
    intent: s.intent,
    schema: s.schema,
    invalid: (r, fieldErrors, posted) => {
      const shown = { ...stay(r, s, posted), fieldErrors: r.m.fields(fieldErrors) };
      return s.invalid ? s.invalid(r, fieldErrors, shown) : shown;
    },
    run: async (r, input, posted) => {
      const result = await s.run(r, input, posted);
      if (!result.ok) {
        if (result.error === 'invalid-input') return { ...stay(r, s, posted), ...r.m.problems(result.problems ?? {}) };
        if (done) await clearChallengeCookie();
        if (done || ends(result.error)) return leave(r, result);
        return { ...stay(r, s, posted), message: r.m.result(result) };
      }
      if (result.challengeId) await setChallengeCookie(result.challengeId);
      if (done) return finish(done);
      if (s.then) return s.then(r, result);
      return {
        ...(s.keep ? stay(r, s, posted) : {}),
        step: 'code',
        ...(result.maskedPhone ? { maskedPhone: result.maskedPhone } : {}),
        resendAt: result.resendAvailableAt?.getTime(),
      } as S;
    },
  });

  return stepAction<PublicContext, AccessRequest<S>, S>({
    request: accessRequest,
    otherwise: first,
    steps: [
      {
        intent: 'restart',
        run: async () => {
          await clearChallengeCookie();
          return first();
        },
      },
      {
        intent: 'resend',
        run: async (r) => afterResend(r.prev, await flow.resend(r.db, r.profile, r.challengeId, r.client), flow.first, r.m.t(flow.resent), r.m.locale),
      },
      step<AccessRequest<S>, S, { code: string }>({
        intent: 'code',
        schema: verificationCodeSchema,
        invalid: (r) => ({ ...kept(r.prev), step: 'code', fieldErrors: { code: r.m.codeMissing() } }),
        run: async (r, { code }) => {
          const result = await flow.code.run(r.db, r.profile, r.challengeId, code, r.client);
          if (result.ok) return flow.code.then ? flow.code.then(r, result) : ({ step: 'password' } as S);
          if (result.error === 'malformed') return { ...kept(r.prev), step: 'code', fieldErrors: { code: r.m.result(result) } };
          // The code cannot be tried again: the attempt is over.
          if (result.error === 'locked' || ends(result.error)) {
            await clearChallengeCookie();
            return leave(r, result);
          }
          return { ...kept(r.prev), step: 'code', message: r.m.result(result) };
        },
      }),
      ...flow.steps.map((s) => asStep(s)),
      ...(newPassword ? [asStep(newPassword, flow.newPassword!.done)] : []),
      ...(flow.more ?? []),
    ],
  });
}
