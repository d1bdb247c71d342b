import type { ContactChannel, ContactPurpose } from '@/db/schema/engagement';
import type { Locale } from '@/lib/i18n/core';

/**
 * The placeholders a message template may use (issue 18 point 9): a closed catalogue, written
 * `{{scope.name}}`, each with what it stands for (shown in the CRM), the triggers it has a value
 * for and whether a marketing message may carry it. Browser-safe: the CRM's form checks what is
 * typed with the same functions the save runs (templates.ts).
 *
 * Nothing here can name a service, a form, a product, a diagnosis or a note: an SMS or email can
 * be read by others (a shared phone, a work inbox), so the words that reach a patient carry no
 * health information. Marketing goes further: only the patient's first name, the clinic and the
 * portal (and the unsubscribe link of an email), nothing about the patient's visits or orders.
 */

/** A group of placeholders that have values for the same triggers. */
export type PlaceholderScope = 'always' | 'appointment' | 'form' | 'invoice' | 'order' | 'subscription' | 'unsubscribe';

export interface PlaceholderInfo {
  scope: PlaceholderScope;
  /** What it is, for the CRM's list. */
  description: string;
  /** Whether a marketing template may use it (never anything about a visit, a form or money). */
  marketingSafe: boolean;
  /** A URL: the CRM offers it on a line of its own, and the email makes it a link. */
  url?: true;
  /** Only in a marketing email (the unsubscribe link). */
  marketingEmailOnly?: true;
}

export const PLACEHOLDERS = {
  'patient.firstName': { scope: 'always', description: 'The patient’s first name.', marketingSafe: true },
  'clinic.name': { scope: 'always', description: 'The clinic’s name, as in its branding.', marketingSafe: true },
  'clinic.phone': { scope: 'always', description: 'The clinic’s phone number (the first location that has one); empty when none has.', marketingSafe: true },
  'portal.url': { scope: 'always', description: 'The link to the patient portal.', marketingSafe: true, url: true },
  'appointment.date': { scope: 'appointment', description: 'The visit’s day, in the location’s time zone.', marketingSafe: false },
  'appointment.time': { scope: 'appointment', description: 'The visit’s start time with its time zone.', marketingSafe: false },
  'appointment.location': { scope: 'appointment', description: 'The location’s name and street address.', marketingSafe: false },
  'appointment.provider': { scope: 'appointment', description: 'The name of the person the patient sees.', marketingSafe: false },
  'appointment.confirmUrl': { scope: 'appointment', description: 'A link that confirms the visit, without signing in.', marketingSafe: false, url: true },
  'appointment.cancelUrl': { scope: 'appointment', description: 'A link to cancel the visit, without signing in (within the clinic’s cancellation window).', marketingSafe: false, url: true },
  'form.dueDate': { scope: 'form', description: 'The day the form is due; empty when it has no due date.', marketingSafe: false },
  'form.url': { scope: 'form', description: 'The link to fill in the form in the portal (the form’s name is never sent).', marketingSafe: false, url: true },
  'invoice.number': { scope: 'invoice', description: 'The invoice’s number, such as INV-000042.', marketingSafe: false },
  'invoice.amountDue': { scope: 'invoice', description: 'What is still owed on the invoice, in the clinic’s currency.', marketingSafe: false },
  'invoice.dueDate': { scope: 'invoice', description: 'The invoice’s due date; empty when it has none.', marketingSafe: false },
  'invoice.url': { scope: 'invoice', description: 'The link to the invoice in the portal.', marketingSafe: false, url: true },
  'order.number': { scope: 'order', description: 'The order’s number, such as ORD-001042 (never what is in it).', marketingSafe: false },
  'order.status': { scope: 'order', description: 'The order’s status in the patient’s words, such as “On its way”.', marketingSafe: false },
  'order.url': { scope: 'order', description: 'The link to the order in the portal.', marketingSafe: false, url: true },
  'subscription.url': { scope: 'subscription', description: 'The link to the subscription in the portal (never the product’s name).', marketingSafe: false, url: true },
  'unsubscribe.url': { scope: 'unsubscribe', description: 'The one-click unsubscribe link (marketing email only; added at the foot when the text has none).', marketingSafe: true, url: true, marketingEmailOnly: true },
} as const satisfies Record<string, PlaceholderInfo>;

export type PlaceholderName = keyof typeof PLACEHOLDERS;
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as PlaceholderName[];

export function isPlaceholderName(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** How the CRM names each scope ("Appointment events"). */
export const SCOPE_LABELS: Record<PlaceholderScope, string> = {
  always: 'Every message',
  appointment: 'Appointment events',
  form: 'Form events',
  invoice: 'Invoice events',
  order: 'Order events',
  subscription: 'Subscription events',
  unsubscribe: 'Marketing email',
};

/**
 * The scope a trigger adds to `always`, from its name's first part: `appointment.booked` (and the
 * automations' composite `appointment.scheduled`) → appointment, `invoice.overdue` → invoice, a
 * campaign → unsubscribe. Other events (patient.created, document.published…) add nothing.
 * tests/unit/engagement-template-placeholders checks every name of the events catalogue.
 */
export function triggerScope(trigger: string): PlaceholderScope | null {
  if (trigger === 'campaign') return 'unsubscribe';
  const family = trigger.split('.')[0];
  switch (family) {
    case 'appointment':
    case 'form':
    case 'invoice':
    case 'order':
    case 'subscription':
      return family;
    default:
      return null;
  }
}

/**
 * The placeholders that have a value for a trigger: an event's name (lib/engagement/events.ts
 * EVENT_NAMES) or 'campaign'. A campaign is marketing: the marketing-safe ones only.
 */
export function placeholdersForTrigger(trigger: string): PlaceholderName[] {
  const scope = triggerScope(trigger);
  return PLACEHOLDER_NAMES.filter((name) => {
    const info: PlaceholderInfo = PLACEHOLDERS[name];
    if (trigger === 'campaign') return info.marketingSafe;
    return info.scope === 'always' || info.scope === scope;
  });
}

/** The placeholders a template of this channel and purpose may use, for any trigger. */
export function placeholdersFor(options: { channel: ContactChannel; purpose: ContactPurpose }): PlaceholderName[] {
  return PLACEHOLDER_NAMES.filter((name) => notAllowedReason(name, options) === null);
}

// ---------------------------------------------------------------------------------------------
// Reading and checking a template's text

/** `{{ scope.name }}`: letters only, spaces inside the braces allowed. */
const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
/** A single-brace look-alike: `{patient.firstName}` is almost always a missing brace. */
const SINGLE_BRACES = /(?<!\{)\{\s*([A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*)\s*\}(?!\})/g;

export type TemplateProblemCode = 'unknown' | 'malformed' | 'not-allowed';

export interface TemplateTextProblem {
  code: TemplateProblemCode;
  /** The placeholder as written (`{{patient.fristName}}`), or the start of a malformed one. */
  text: string;
  message: string;
}

/** The placeholder names in a text, in order of first use, without repeats (well-formed ones only). */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(TOKEN)].map((m) => m[1]!))];
}

/** A short quote of where a malformed placeholder starts: to the end of the line or the next `{{`. */
function excerpt(text: string, at: number): string {
  const line = text.slice(at).split('\n')[0]!;
  const next = line.indexOf('{{', 2);
  const rest = (next === -1 ? line : line.slice(0, next)).trimEnd();
  return rest.length > 30 ? `${rest.slice(0, 30)}…` : rest;
}

/** Braces that do not make a placeholder: an unclosed `{{`, a `}}` with no `{{`, `{{ }}` with no name. */
function malformed(text: string): TemplateTextProblem[] {
  const problems: TemplateTextProblem[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    const close = text.indexOf('}}', at);
    if (open === -1 && close === -1) break;
    if (close !== -1 && (open === -1 || close < open)) {
      problems.push({ code: 'malformed', text: '}}', message: `“}}” without its opening “{{” near “${excerpt(text, Math.max(0, close - 20)).trim()}”: write placeholders as {{scope.name}}.` });
      at = close + 2;
      continue;
    }
    const end = text.indexOf('}}', open + 2);
    const nextOpen = text.indexOf('{{', open + 2);
    if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
      problems.push({ code: 'malformed', text: excerpt(text, open), message: `Unclosed placeholder “${excerpt(text, open)}”: close it with }}.` });
      at = open + 2;
      continue;
    }
    // Three braces in a row belong to the same token ("{{{x}}}"): skip them together.
    let after = end + 2;
    while (text[after] === '}') after++;
    const token = text.slice(open, after);
    const inner = text.slice(open + 2, end).trim();
    if (text[open + 2] === '{' || token.endsWith('}}}') || !/^[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/.test(inner)) {
      // Quoted short: a token can be as long as the text ("{{{{…}}}}"), and the message is read beside it.
      const quoted = token.length > 40 ? `${token.slice(0, 20)}…${token.slice(-10)}` : token;
      problems.push({ code: 'malformed', text: token, message: `Malformed placeholder ${quoted}: write it as {{scope.name}}, such as {{patient.firstName}}.` });
    }
    at = after;
  }
  for (const m of text.matchAll(SINGLE_BRACES)) {
    problems.push({ code: 'malformed', text: m[0], message: `Placeholders take two braces: write ${m[0]} as {{${m[1]}}}.` });
  }
  return problems;
}

/** Why a known placeholder may not be used here, or null. */
function notAllowedReason(name: PlaceholderName, options: { channel: ContactChannel; purpose: ContactPurpose; trigger?: string }): string | null {
  const info: PlaceholderInfo = PLACEHOLDERS[name];
  if (info.marketingEmailOnly) {
    if (options.purpose !== 'marketing') return `{{${name}}} is only for marketing email: care messages have no unsubscribe link.`;
    if (options.channel !== 'email') return `{{${name}}} is only for email: a text message is stopped by replying STOP.`;
  }
  if (options.purpose === 'marketing' && !info.marketingSafe) {
    return `{{${name}}} cannot be used in a marketing template: marketing may use only {{patient.firstName}}, {{clinic.name}}, {{clinic.phone}}, {{portal.url}} and {{unsubscribe.url}}.`;
  }
  if (options.trigger !== undefined && info.scope !== 'always' && info.scope !== 'unsubscribe' && triggerScope(options.trigger) !== info.scope) {
    return `{{${name}}} has no value for ${options.trigger === 'campaign' ? 'a campaign' : options.trigger}: it is for ${SCOPE_LABELS[info.scope].toLowerCase()}.`;
  }
  return null;
}

/** The closest known name, for "did you mean": at most two edits apart, ignoring case. */
function nearest(name: string): PlaceholderName | null {
  let best: { name: PlaceholderName; distance: number } | null = null;
  for (const candidate of PLACEHOLDER_NAMES) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Every problem with a template's text (a subject or a body), each naming its placeholder:
 * braces that do not make one, an unknown name (`Unknown placeholder {{patient.fristName}}`, with
 * the likely one), and a known one this channel, purpose or trigger may not use. Empty: fine.
 * Without a trigger (a template is saved before any automation uses it), every care placeholder
 * is allowed in a care template; automations check again against their trigger.
 */
export function checkTemplateText(text: string, options: { channel: ContactChannel; purpose: ContactPurpose; trigger?: string }): TemplateTextProblem[] {
  const problems = malformed(text);
  const seen = new Set<string>();
  for (const m of text.matchAll(TOKEN)) {
    const name = m[1]!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (!isPlaceholderName(name)) {
      const guess = nearest(name);
      problems.push({ code: 'unknown', text: `{{${name}}}`, message: `Unknown placeholder {{${name}}}${guess ? `: did you mean {{${guess}}}?` : '.'}` });
      continue;
    }
    const reason = notAllowedReason(name, options);
    if (reason) problems.push({ code: 'not-allowed', text: `{{${name}}}`, message: reason });
  }
  return problems;
}

/**
 * The text with each placeholder replaced by its value (plain text; the email's HTML escapes it
 * when drawn), in one pass: a value that looks like a placeholder stays as written. A placeholder
 * without a value (a clinic without a phone, a form without a due date) becomes empty, and so
 * does a name outside the catalogue whatever the values hold (the catalogue is what keeps health
 * information out of messages); braces that are not a placeholder stay as written.
 */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(TOKEN, (_, name: string) => (isPlaceholderName(name) && Object.hasOwn(values, name) ? values[name]! : ''));
}

// ---------------------------------------------------------------------------------------------
// Sample values, for the CRM's preview and segment count

/** A link as long as a real one, so a preview's segment count is the count a patient's costs. */
const sampleLink = (path: string) => `https://sunrise.carebridge.example${path}`;
const SAMPLE_TOKEN = 'v1.2zS1vQ7cRkW3wL0nM8pQaA.9xYtK2mF4hJ6dR1sV3bNcQ.cx.kE7qP2wR9tY4uI1oA6sD3fG8hJ5kL0zX2cV7bN4mQ';

const SAMPLE_SHARED = {
  'patient.firstName': 'Maria',
  'clinic.name': 'Sunrise Family Clinic',
  'clinic.phone': '(555) 010-2000',
  'portal.url': sampleLink('/portal'),
  'appointment.location': 'Sunrise Downtown, 120 Main St, Springfield',
  'appointment.provider': 'Dr. Ana Ruiz',
  'appointment.confirmUrl': sampleLink(`/portal/visit/${SAMPLE_TOKEN}?intent=confirm`),
  'appointment.cancelUrl': sampleLink(`/portal/visit/${SAMPLE_TOKEN}?intent=cancel`),
  'form.url': sampleLink('/portal/forms/6f1c2b7e-8a4d-4e2f-9b1a-3c5d7e9f1a2b'),
  'invoice.number': 'INV-000042',
  'invoice.amountDue': '$120.00',
  'invoice.url': sampleLink('/portal/billing/invoices/0b8e4f6a-2c1d-4a3b-8e5f-7a9c1d3e5f70'),
  'order.number': 'ORD-001042',
  'order.url': sampleLink('/portal/orders/5d2a9c4e-7b1f-4e8d-a3c6-1f4b7e9d2a60'),
  'subscription.url': sampleLink('/portal/subscriptions/8c3e1a5f-9d2b-4f7e-b6a4-2e8d1c7f3b90'),
  'unsubscribe.url': sampleLink('/portal/unsubscribe/u1.sample'),
} as const satisfies Partial<Record<PlaceholderName, string>>;

/** Made-up values for every placeholder, per language: the CRM's preview and segment count. */
export const SAMPLE_VALUES: Record<Locale, Readonly<Record<PlaceholderName, string>>> = {
  en: {
    ...SAMPLE_SHARED,
    'appointment.date': 'Tuesday, March 2, 2027',
    'appointment.time': '10:30 AM CST',
    'form.dueDate': 'Mar 6, 2027',
    'invoice.dueDate': 'Mar 20, 2027',
    'order.status': 'On its way',
  },
  es: {
    ...SAMPLE_SHARED,
    'appointment.date': 'martes, 2 de marzo de 2027',
    'appointment.time': '10:30 a.m. CST',
    'form.dueDate': '6 mar 2027',
    'invoice.dueDate': '20 mar 2027',
    'order.status': 'En camino',
  },
};
