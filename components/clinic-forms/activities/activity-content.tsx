import type { FormField } from '@/lib/clinic-forms/definition';
import { textParts } from '@/lib/clinic-forms/activity-text';
import { Play } from 'lucide-react';

export interface ActivityContentText {
  /** "Watch the video on {site}", with {site} left in for the site's name. */
  watchVideoOn: string;
  opensNewTab: string;
}

const LINK = 'link break-words';

/** A paragraph of the clinic's text, its web addresses as links (a video's as "Watch the video"). */
function Paragraph({ text, words }: { text: string; words: ActivityContentText }) {
  return (
    <p className="whitespace-pre-wrap break-words">
      {textParts(text).map((part, i) => {
        if (part.kind === 'text') return <span key={i}>{part.text}</span>;
        const label = part.video ? words.watchVideoOn.replace('{site}', part.video) : part.text;
        return (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer" className={LINK}>
            {part.video ? <><Play aria-hidden className="inline size-4 align-[-0.125em]" />{' '}</> : null}
            {label}
            <span className="sr-only"> {words.opensNewTab}</span>
            {/* On paper a link is only useful with its address. */}
            {part.video ? <span className="hidden print:inline"> ({part.href})</span> : null}
          </a>
        );
      })}
    </p>
  );
}

/**
 * A home activity's content: headings and paragraphs (a section's title is a heading over its
 * own text). `level` is the heading level of the activity's own headings inside the page.
 */
export function ActivityContent({ fields, words, level = 3 }: { fields: readonly FormField[]; words: ActivityContentText; level?: 3 | 4 }) {
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <div className="space-y-3">
      {fields.map((field) => {
        if (field.type === 'section') {
          return (
            <section key={field.linkId} aria-labelledby={`activity-${field.linkId}`} className="space-y-3">
              <Heading id={`activity-${field.linkId}`} className="text-lg font-semibold">{field.label}</Heading>
              {field.fields?.length ? <ActivityContent fields={field.fields} words={words} level={4} /> : null}
            </section>
          );
        }
        if (field.type !== 'display') return null;
        if (field.heading) return <Heading key={field.linkId} className="pt-2 text-lg font-semibold">{field.label}</Heading>;
        return (
          <div key={field.linkId} className="space-y-1">
            <Paragraph text={field.label} words={words} />
            {field.help ? <p className="text-sm text-fg-muted">{field.help}</p> : null}
          </div>
        );
      })}
    </div>
  );
}
