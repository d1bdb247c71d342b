import type { PlainFormAction } from '@/lib/actions/result';
import { LOCALE_NAMES, LOCALES, type Locale } from '@/lib/i18n/core';

/**
 * "English · Español" before signing in. Each name is written in its own language and marked
 * with `lang`, so a screen reader pronounces it right; the current one is pressed. A plain form
 * post, so it works without JavaScript too.
 */
export function LanguageSwitch({ action, locale, label }: { action: PlainFormAction; locale: Locale; label: string }) {
  return (
    <form action={action}>
      <div role="group" aria-label={label} className="flex items-center gap-1 text-sm">
        {LOCALES.map((option, index) => (
          <span key={option} className="flex items-center gap-1">
            {index > 0 ? <span aria-hidden="true" className="text-fg-muted">·</span> : null}
            <button
              type="submit"
              name="language"
              value={option}
              lang={option}
              aria-pressed={option === locale}
              className="min-h-11 rounded-md px-2 font-medium text-brand-accent underline-offset-2 hover:underline aria-pressed:text-fg aria-pressed:no-underline"
            >
              {LOCALE_NAMES[option]}
            </button>
          </span>
        ))}
      </div>
    </form>
  );
}
