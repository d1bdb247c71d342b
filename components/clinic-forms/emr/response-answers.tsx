import type { FormDefinition, FormField } from '@/lib/clinic-forms/definition';
import type { AnswerValue, Answers } from '@/lib/clinic-forms/enable-when';

/**
 * A submitted response read with the definition of its own version: sections as headings,
 * questions as a description list, conditional questions that were not shown left out. Staff
 * read it; nothing here is interactive.
 */
export function ResponseAnswers({ definition, answers, visible }: { definition: FormDefinition; answers: Answers; visible: readonly string[] }) {
  const shown = new Set(visible);
  return <FieldList fields={definition.fields} answers={answers} shown={shown} level={3} />;
}

function FieldList({ fields, answers, shown, level }: { fields: readonly FormField[]; answers: Answers; shown: Set<string>; level: 3 | 4 }) {
  const rows: React.ReactNode[] = [];
  let group: FormField[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const items = group;
    group = [];
    rows.push(
      <dl key={`dl-${items[0]!.linkId}`} className="divide-y divide-line rounded-lg border border-line">
        {items.map((f) => (
          <div key={f.linkId} className="grid gap-1 p-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] sm:gap-4">
            <dt className="text-sm font-medium">{f.label}{f.required ? <span className="sr-only"> (required)</span> : null}</dt>
            <dd className="text-sm whitespace-pre-wrap break-words">{answerText(f, answers[f.linkId])}</dd>
          </div>
        ))}
      </dl>,
    );
  };
  for (const field of fields) {
    if (!shown.has(field.linkId)) continue;
    if (field.type === 'section') {
      flush();
      const Heading = level === 3 ? 'h3' : 'h4';
      rows.push(
        <div key={field.linkId} className="space-y-2">
          <Heading className="text-base font-semibold">{field.label}</Heading>
          <FieldList fields={field.fields ?? []} answers={answers} shown={shown} level={4} />
        </div>,
      );
    } else if (field.type === 'display') {
      flush();
      rows.push(field.heading
        ? <p key={field.linkId} className="font-semibold">{field.label}</p>
        : <p key={field.linkId} className="text-sm text-fg-muted">{field.label}</p>);
    } else if (field.type === 'signature') {
      flush();
      rows.push(<p key={field.linkId} className="text-sm">Signature: see “Signatures” below.</p>);
    } else {
      group.push(field);
    }
  }
  flush();
  return <div className="space-y-3">{rows}</div>;
}

function answerText(field: FormField, value: AnswerValue): React.ReactNode {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <span className="text-fg-muted">Not answered</span>;
  }
  const label = (code: string) => field.options?.find((o) => o.code === code)?.label ?? code;
  switch (field.type) {
    case 'yes_no':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'single_choice':
      return typeof value === 'string' ? label(value) : String(value);
    case 'multiple_choice':
      return Array.isArray(value) ? (
        <ul className="list-disc pl-5">{value.map((code) => <li key={code}>{label(code)}</li>)}</ul>
      ) : String(value);
    case 'file':
      return typeof value === 'string' ? (
        <a href={`/api/documents/${value}/download?view=1`} target="_blank" rel="noopener" className="link">Open the attached file</a>
      ) : 'File attached';
    default:
      return String(value);
  }
}
