import 'server-only';
import { cookies, headers } from 'next/headers';
import { notFound } from 'next/navigation';
import type { z } from 'zod';
import type { OperatorContext, PortalAccountContext, PortalContext, StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { requireOperator } from '@/lib/auth/operator-session';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { peekPortalAccount, requirePortalAccount, requirePortalPatient } from '@/lib/auth/portal-session';
import { peekStaff, requireStaff } from '@/lib/auth/staff-session';
import { getClientInfo, type ClientInfo } from '@/lib/http/client-info';
import { PORTAL_LANGUAGE_COOKIE, toLocale, translator, type Catalog, type Locale, type Messages, type Translate } from '@/lib/i18n/core';
import { failures } from '@/lib/i18n/messages/failures';
import { portalAreas } from '@/lib/i18n/messages/portal-areas';
import { getPublicPortalLocale } from '@/lib/i18n/portal';
import { errorSummary, isDatabaseUnreachable, RuleError } from '@/lib/kernel/errors';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { requireActiveTenant } from '@/lib/tenancy/request-tenant';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { failureOf, fieldErrorsOf, STAFF_MESSAGES, type FailureMessages } from './failures';
import { echoed, formInput } from './form-input';
import type { ActionState } from './result';

/**
 * The one way into a server action. Each wrapper builds its audience's context (the clinic from
 * the host, the person from the session row: never from input), parses the input with the form's
 * zod schema, runs the body, and maps every refusal to `{ ok: false, message, fieldErrors }`
 * (lib/actions/failures.ts). An action file is then only: which audience, which schema, the body.
 *
 *   export const addServiceAction = staffAction(
 *     { area: 'crm', permission: 'settings.manage', schema: serviceSchema },
 *     async (ctx, input) => { await createService(getDb(), ctx, input); … return { ok: true } },
 *   );
 *
 * Three shapes, named so tests/support/app-registry.ts can tell how each is called:
 *   …Action(spec, body)      (prev, form: FormData) => state   for useActionState forms;
 *   …FormAction(spec, body)  (form: FormData) => void          for one-button forms;
 *   …Call(spec, body)        (input?: unknown) => result        for client code (JSON input).
 */

/** A public caller: the clinic from the host, the request's address for limits and the audit. */
export interface PublicContext {
  tenant: TenantRef;
  client: ClientInfo;
}

interface Spec<S extends z.ZodType | undefined> {
  /** The form's schema (lib/<domain>/schemas or forms); without one the body gets no input. */
  schema?: S;
  /** Rewords the shared refusals for this form. */
  messages?: Partial<FailureMessages>;
  /**
   * Without a schema: the text fields handed to the body as posted, for a lib/ function that
   * parses its own input (CRM settings). They are also shown again after a refusal.
   */
  pick?: readonly string[];
  /** Text fields shown again after a refusal (never a password or code); `pick` implies it. */
  echo?: readonly string[];
  /**
   * A domain rule's refusal reworded for this form, by the rule's code (the portal names catalogue
   * keys, so the patient reads the rule in their language): the message and each field the rule
   * points at, as `RuleWords` says. The rule's extra is kept.
   */
  rules?: Readonly<Record<string, RuleWords>>;
  /**
   * Merged into every rule's refusal of this form, like the rule's own extra: the checkout's card
   * forms answer a refusal with a fresh attempt key (lib/commerce/checkout-forms.ts).
   */
  ruleExtra?: () => Record<string, unknown>;
}

/**
 * A rule's words for a form. A string says why the rule refused: on each field the rule points at,
 * with the form's `invalid` words as the message (as when the schema refuses the form), or as the
 * message when it points at no field. `{ message, fields }` names both (the subscription forms
 * repeat the rule above the form and on its field).
 */
export type RuleWords<K extends string = string> = K | { message: K; fields: K };

/** The refusal in the rule's words (`RuleWords`), every field it points at kept. */
function reworded(failure: ActionState, words: RuleWords, invalid: string, translate: (text: string) => string): ActionState {
  const why = translate(typeof words === 'string' ? words : words.fields);
  const fieldErrors = failure.fieldErrors && Object.fromEntries(Object.keys(failure.fieldErrors).map((field) => [field, why]));
  const message = typeof words !== 'string' ? translate(words.message) : fieldErrors ? invalid : why;
  return { ...failure, message, ...(fieldErrors ? { fieldErrors } : {}) };
}

type Input<S> = S extends z.ZodType ? z.output<S> : Record<string, string>;
/** `prev` is the form's previous result (the `…Action` shape), for forms of several steps. */
interface Extras { form?: FormData; prev?: unknown }
type Body<C, S, R, X = Extras> = (ctx: C, input: Input<S>, extras: X) => Promise<R>;

/** What the tests read to call each action with the right fields (tests/support/app-registry.ts). */
export interface ActionDescription {
  audience: 'staff' | 'portal' | 'portal-account' | 'public' | 'root-public' | 'operator';
  fields: string[];
  /** Portal actions for a patient: the part of the patient's portal the action belongs to. */
  area?: PortalArea;
}
const descriptions = new WeakMap<object, ActionDescription>();
export function describeAction(fn: unknown): ActionDescription | undefined {
  return typeof fn === 'function' ? descriptions.get(fn) : undefined;
}

function fieldsOf(schema: z.ZodType | undefined): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

interface Runner<C, X> {
  audience: ActionDescription['audience'];
  context: () => Promise<C>;
  /** A refusal before anything else runs (the portal's areas): the message, or null to go on. */
  refuse?: (ctx: C) => string | null;
  /** The shared words, once the context says the language. */
  messages: (ctx: C) => Promise<{ messages: FailureMessages; translate: (text: string) => string; extras: Omit<X, 'form'> }>;
}

function wrap<C, X extends Extras, S extends z.ZodType | undefined, R>(
  runner: Runner<C, X> & { area?: PortalArea },
  spec: Spec<S>,
  body: Body<C, S, R, X>,
): (...args: unknown[]) => Promise<R | ActionState> {
  const fn = async (...args: unknown[]): Promise<R | ActionState> => {
    let ctx: C;
    try {
      ctx = await runner.context();
    } catch (error) {
      // The session is read from the database: while it is out of reach, say so instead of an error page.
      if (!isDatabaseUnreachable(error)) throw error;
      console.error(`action ${runner.audience}:${body.name || 'anonymous'}: database unreachable (${errorSummary(error)})`);
      return { ok: false, message: await unreachableWords(runner.audience) };
    }
    const refusal = runner.refuse?.(ctx);
    if (refusal) return { ok: false, message: refusal };
    const raw = args.length >= 2 ? args[1] : args[0];
    const form = raw instanceof FormData ? raw : undefined;
    const { messages: shared, translate, extras } = await runner.messages(ctx);
    const messages = { ...shared, ...mapValues(spec.messages, translate) };
    const values = echoed(form, spec.echo ?? spec.pick);
    let input: unknown = spec.pick ? (echoed(form, spec.pick) ?? {}) : {};
    if (spec.schema) {
      const parsed = spec.schema.safeParse(form ? formInput(form) : raw);
      if (!parsed.success) return { ok: false, message: messages.invalid, fieldErrors: fieldErrorsOf(parsed.error, translate), ...(values ? { values } : {}) };
      input = parsed.data;
    }
    try {
      return await body(ctx, input as Input<S>, { ...extras, form, prev: args.length >= 2 ? args[0] : undefined } as X);
    } catch (error) {
      let failure: ActionState = failureOf(error, messages, `${runner.audience}:${body.name || 'anonymous'}`);
      if (error instanceof RuleError) {
        const words = spec.rules?.[error.code];
        if (words) failure = reworded(failure, words, messages.invalid, translate);
        if (spec.ruleExtra) failure = { ...failure, ...spec.ruleExtra() };
      }
      return values ? { ...failure, values } : failure;
    }
  };
  // A body that reads the form itself (a form of several steps) names the fields it reads.
  const bodyFields = (body as { fields?: readonly string[] }).fields ?? [];
  descriptions.set(fn, {
    audience: runner.audience,
    fields: [...new Set([...fieldsOf(spec.schema), ...(spec.pick ?? []), ...bodyFields])],
    ...(runner.area ? { area: runner.area } : {}),
  });
  return fn;
}

function mapValues(messages: Partial<FailureMessages> | undefined, translate: (text: string) => string): Partial<FailureMessages> {
  if (!messages) return {};
  return Object.fromEntries(Object.entries(messages).map(([k, v]) => [k, translate(v)])) as Partial<FailureMessages>;
}

const english = async () => ({ messages: STAFF_MESSAGES, translate: (text: string) => text, extras: {} });

// ---------------------------------------------------------------------------------------------
// Staff (CRM and EMR)

interface StaffSpec<S extends z.ZodType | undefined> extends Spec<S> {
  area: 'crm' | 'emr';
  /** Checked before anything else (a list: any one of them); lib/ re-checks it in the business rule. */
  permission?: Permission | readonly Permission[];
  /** `false` for a question an open page asks in the background (the idle warning's seconds left): checked, not counted as activity. */
  activity?: false;
}

function staffRunner(spec: { area: 'crm' | 'emr'; permission?: Permission | readonly Permission[]; activity?: false }): Runner<StaffContext, Extras> {
  const admit = spec.activity === false ? peekStaff : requireStaff;
  return { audience: 'staff', context: () => admit(spec.area, spec.permission), messages: english };
}

export function staffAction<S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(spec: StaffSpec<S>, body: Body<StaffContext, S, R>) {
  return wrap(staffRunner(spec), spec, body) as (prev: R, form: FormData) => Promise<R>;
}
export function staffFormAction<S extends z.ZodType | undefined = undefined>(spec: StaffSpec<S>, body: Body<StaffContext, S, void>) {
  return wrap(staffRunner(spec), spec, body) as unknown as (form: FormData) => Promise<void>;
}
export function staffCall<S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(spec: StaffSpec<S>, body: Body<StaffContext, S, R>) {
  return wrap(staffRunner(spec), spec, body) as (input?: unknown) => Promise<R>;
}

// ---------------------------------------------------------------------------------------------
// Portal: an account acting for its selected patient, in the account's language

interface PortalSpec<M extends Messages, S extends z.ZodType | undefined> extends Omit<Spec<S>, 'messages'> {
  /** The page's catalogue: zod messages and `messages` that are its keys are translated. */
  catalog: Catalog<M>;
  messages?: Partial<Record<keyof FailureMessages, keyof M & string>>;
  rules?: Readonly<Record<string, RuleWords<keyof M & string>>>;
  /**
   * Account actions only. `false` for a question an open page asks in the background (seconds left
   * before the idle limit): the session is checked like any call but not extended by it.
   */
  activity?: false;
}
interface PortalExtras<M extends Messages> extends Extras { t: Translate<M> }

/** An action for the selected patient names the part of their portal it belongs to (a proxy's scope). */
interface PortalPatientSpec<M extends Messages, S extends z.ZodType | undefined> extends PortalSpec<M, S> {
  /**
   * Checked before the input is read: a proxy whose link does not open the area is answered
   * `{ ok: false }` in their language and nothing runs; lib/ re-checks it with assertPortalArea.
   */
  area: PortalArea;
}

/** The shared refusals in a portal language. */
function portalFailures(locale: Locale): FailureMessages {
  const t = translator(failures, locale);
  return Object.fromEntries(Object.keys(STAFF_MESSAGES).map((key) => [key, t(key as keyof FailureMessages)])) as unknown as FailureMessages;
}

/** The database out of reach before the context exists: staff read English, a patient this device's language (its cookie). */
async function unreachableWords(audience: ActionDescription['audience']): Promise<string> {
  if (audience !== 'portal' && audience !== 'portal-account' && audience !== 'public') return STAFF_MESSAGES.unavailable;
  const remembered = await cookies().then((jar) => jar.get(PORTAL_LANGUAGE_COOKIE)?.value, () => undefined);
  return portalFailures(toLocale(remembered)).unavailable;
}

function portalMessages<C extends PortalAccountContext, M extends Messages>(catalog: Catalog<M>) {
  return async (ctx: C) => {
    // The account's language, from the context already built (reading the session again would count as activity).
    const locale = toLocale(ctx.account.language);
    const t = translator(catalog, locale);
    const translate = (text: string) => (text in catalog.en ? t(text as keyof M & string) : text);
    return { messages: portalFailures(locale), translate, extras: { t } };
  };
}

function portalRunner<M extends Messages>(catalog: Catalog<M>, area: PortalArea): Runner<PortalContext, PortalExtras<M>> & { area: PortalArea } {
  return {
    audience: 'portal',
    area,
    context: requirePortalPatient,
    messages: portalMessages(catalog),
    // A proxy whose link does not open the area (its scope, dates, the age rules) is answered in
    // their language before the input is read; nothing runs.
    refuse: (ctx) => (hasPortalArea(ctx.patient, area) ? null : translator(portalAreas, toLocale(ctx.account.language))('areaNotOpen')),
  };
}
function accountRunner<M extends Messages>(catalog: Catalog<M>, activity = true): Runner<PortalAccountContext, PortalExtras<M>> {
  return { audience: 'portal-account', context: activity ? requirePortalAccount : peekPortalAccount, messages: portalMessages(catalog) };
}

export function portalAction<M extends Messages, S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(
  spec: PortalPatientSpec<M, S>, body: Body<PortalContext, S, R, PortalExtras<M>>,
) {
  return wrap(portalRunner(spec.catalog, spec.area), spec as Spec<S>, body) as (prev: R, form: FormData) => Promise<R>;
}
export function portalCall<M extends Messages, S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(
  spec: PortalPatientSpec<M, S>, body: Body<PortalContext, S, R, PortalExtras<M>>,
) {
  return wrap(portalRunner(spec.catalog, spec.area), spec as Spec<S>, body) as (input?: unknown) => Promise<R>;
}
/** For the account itself (settings, sign-out, choosing whom to act for): no patient needed. */
export function portalAccountAction<M extends Messages, S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(
  spec: PortalSpec<M, S>, body: Body<PortalAccountContext, S, R, PortalExtras<M>>,
) {
  return wrap(accountRunner(spec.catalog), spec as Spec<S>, body) as (prev: R, form: FormData) => Promise<R>;
}
export function portalAccountFormAction<M extends Messages, S extends z.ZodType | undefined = undefined>(
  spec: PortalSpec<M, S>, body: Body<PortalAccountContext, S, void, PortalExtras<M>>,
) {
  return wrap(accountRunner(spec.catalog), spec as Spec<S>, body) as unknown as (form: FormData) => Promise<void>;
}
export function portalAccountCall<M extends Messages, S extends z.ZodType | undefined = undefined, R = unknown>(
  spec: PortalSpec<M, S>, body: Body<PortalAccountContext, S, R, PortalExtras<M>>,
) {
  return wrap(accountRunner(spec.catalog, spec.activity !== false), spec as Spec<S>, body) as (input?: unknown) => Promise<R>;
}

// ---------------------------------------------------------------------------------------------
// Public (signed-out portal and staff pages): the clinic from the host, nobody signed in

async function publicContext(): Promise<PublicContext> {
  return { tenant: await requireActiveTenant(), client: await getClientInfo() };
}

interface PublicSpec<M extends Messages, S extends z.ZodType | undefined> extends Omit<Spec<S>, 'messages'> {
  /** A portal page's catalogue, in this device's language; staff pages are English. */
  catalog?: Catalog<M>;
  messages?: Partial<Record<keyof FailureMessages, string>>;
}

function publicRunner<M extends Messages>(catalog: Catalog<M> | undefined): Runner<PublicContext, PortalExtras<M>> {
  return {
    audience: 'public',
    context: publicContext,
    messages: async () => {
      if (!catalog) return { ...(await english()), extras: { t: ((key: string) => key) as Translate<M> } };
      const locale = await getPublicPortalLocale();
      const t = translator(catalog, locale);
      return { messages: portalFailures(locale), translate: (text: string) => (text in catalog.en ? t(text as keyof M & string) : text), extras: { t } };
    },
  };
}

export function publicAction<M extends Messages, S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(
  spec: PublicSpec<M, S>, body: Body<PublicContext, S, R, PortalExtras<M>>,
) {
  return wrap(publicRunner(spec.catalog), spec as Spec<S>, body) as (prev: R, form: FormData) => Promise<R>;
}
export function publicFormAction<M extends Messages, S extends z.ZodType | undefined = undefined>(
  spec: PublicSpec<M, S>, body: Body<PublicContext, S, void, PortalExtras<M>>,
) {
  return wrap(publicRunner(spec.catalog), spec as Spec<S>, body) as unknown as (form: FormData) => Promise<void>;
}

/** A signed-out caller on the root host (the console's sign-in): no clinic, nobody signed in. */
export interface RootPublicContext {
  client: ClientInfo;
}

async function rootPublicContext(): Promise<RootPublicContext> {
  if ((await resolveTenantByHost((await headers()).get('host'))).kind !== 'root') notFound();
  return { client: await getClientInfo() };
}

/** The console's sign-in form (English), on the root host only. */
export function rootPublicAction<S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(spec: Spec<S>, body: Body<RootPublicContext, S, R>) {
  return wrap({ audience: 'root-public', context: rootPublicContext, messages: english }, spec, body) as (prev: R, form: FormData) => Promise<R>;
}

// ---------------------------------------------------------------------------------------------
// Platform operators (console on the root host)

function operatorRunner(): Runner<OperatorContext, Extras> {
  return { audience: 'operator', context: requireOperator, messages: english };
}
export function operatorAction<S extends z.ZodType | undefined = undefined, R extends ActionState = ActionState>(spec: Spec<S>, body: Body<OperatorContext, S, R>) {
  return wrap(operatorRunner(), spec, body) as (prev: R, form: FormData) => Promise<R>;
}
export function operatorFormAction<S extends z.ZodType | undefined = undefined>(spec: Spec<S>, body: Body<OperatorContext, S, void>) {
  return wrap(operatorRunner(), spec, body) as unknown as (form: FormData) => Promise<void>;
}
