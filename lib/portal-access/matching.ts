import 'server-only';
/**
 * Pure helpers for the printed-activation check (seed 001): initials and a US-format date.
 * The browser may use them too, so nothing here touches the server.
 */

// Letters Unicode does not decompose into a base letter and an accent, as a clerk would file them.
const BASE_LETTER: Record<string, string> = { ø: 'o', ł: 'l', đ: 'd', ð: 'd', æ: 'a', œ: 'o', ß: 's', ı: 'i', þ: 't', ħ: 'h' };

// Case and accents do not matter to a person typing an initial: "é", "E" and "e" are the same,
// and so are "Ø" and "O".
function fold(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øłđðæœßıþħ]/g, (letter) => BASE_LETTER[letter]!);
}

/** The folded first letter of a name or of what was typed; null when there is none. */
export function initialOf(value: string): string | null {
  const letter = fold(value.trim()).match(/\p{L}/u);
  return letter ? letter[0] : null;
}

export function initialsMatch(typed: string, name: string): boolean {
  const a = initialOf(typed);
  return a !== null && a === initialOf(name);
}

/** "04/12/1986" or "4/12/1986" -> "1986-04-12"; null when it is not a real calendar date. */
export function parseUsDate(input: string): string | null {
  const m = input.trim().match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
  if (!m) return null;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1850 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** What a person types as a portal ID, without spaces or dashes; null unless six digits. */
export function normalizePortalCode(input: string): string | null {
  const digits = input.normalize('NFKC').replace(/[\s-]/g, '');
  return /^[0-9]{6}$/.test(digits) ? digits : null;
}
