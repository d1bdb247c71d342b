import 'server-only';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * The password rules for patients and staff (seed 004: at least 8 characters with a lower-case
 * letter, an upper-case letter and a digit), plus a refusal of common, breached and personal
 * passwords. Pure: it runs on the server before hashing and in the browser for live hints.
 */

export const PASSWORD_MIN_LENGTH = 8;
// Argon2 takes any length; the cap only stops a megabyte "password" from costing CPU.
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordCheck = { ok: true } | { ok: false; problems: string[] };

export interface PasswordContext {
  email?: string | null;
  name?: string | null;
}

// zxcvbn's "common" dictionary is ~49k passwords ranked from real breach corpora, shipped in the
// package (no network). Loaded and built on first use: its modules cost ~150-300 ms of CPU to
// evaluate, which the sign-in page (it imports the settings module that sets passwords) must not
// pay on a cold start (issue 21).
let estimator: Promise<ZxcvbnFactory> | undefined;
function strengthEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')])
    .then(([core, common]) => new core.ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs }));
  return estimator;
}

// Score 0–1 means under a million guesses: breached passwords and their obvious variants
// ("Password1", "Summer2024", "P@ssw0rd123"). A random 8-character password scores 2.
const MIN_SCORE = 2;

export async function checkPassword(password: string, context: PasswordContext = {}): Promise<PasswordCheck> {
  const problems: string[] = [];
  // Count code points, not UTF-16 units, so "é" or an emoji is one character, as a person sees it.
  const length = [...password].length;

  if (length < PASSWORD_MIN_LENGTH) problems.push(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
  // Unicode classes, so "Á" counts as an upper-case letter for a Hungarian patient.
  if (!/\p{Ll}/u.test(password)) problems.push('Add a lower-case letter.');
  if (!/\p{Lu}/u.test(password)) problems.push('Add an upper-case letter.');
  if (!/\p{Nd}/u.test(password)) problems.push('Add a digit.');
  if (containsPersonalInfo(password, context)) {
    problems.push('Don’t use your name or email address in your password.');
  }
  // Judging a 5-character draft as "common" would only be noise next to the length hint.
  if (length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH) {
    const guessability = await guessabilityProblem(password);
    if (guessability) problems.push(guessability);
  }

  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

async function guessabilityProblem(password: string): Promise<string | null> {
  const result = (await strengthEstimator()).check(password);
  if (result.score >= MIN_SCORE) return null;
  const fromBreaches = result.sequence.some(
    (match) => match.pattern === 'dictionary' && match.dictionaryName === 'passwords-common',
  );
  return fromBreaches
    ? 'This password is too common — choose another.'
    : 'This password is too easy to guess — avoid repeats, sequences and dates.';
}

/**
 * Like Active Directory's complexity rule: every part of the name or of the email's local part
 * that is 3+ letters long must not appear in the password. Shorter parts ("Li", "dr") would
 * refuse too many good passwords.
 */
function containsPersonalInfo(password: string, context: PasswordContext): boolean {
  const haystack = fold(password);
  const localPart = context.email?.split('@')[0] ?? '';
  const tokens = [localPart, ...splitWords(localPart), ...splitWords(context.name ?? '')]
    .map(fold)
    .filter((token) => token.length >= 3);
  return tokens.some((token) => haystack.includes(token));
}

function splitWords(value: string): string[] {
  return value.split(/[^\p{L}]+/u);
}

// Case and accents do not make a name harder to guess: "ZOE" and "Zoë" both match "zoe".
function fold(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
