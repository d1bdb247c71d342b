'use client';

import { useState } from 'react';
import type { FormField } from '@/lib/clinic-forms/definition';
import type { AnswerValue, Answers } from '@/lib/clinic-forms/enable-when';
import type { AnswerFileState } from '@/components/clinic-forms/fill/fill-state';
import { FILE_INPUT_ACCEPT, formatBytes } from '@/lib/documents/file-rules';
import { interpolate } from '@/lib/i18n/core';
import { SignaturePad } from './signature-pad';

export type { FormsMessages } from './filler-messages';
import type { FormsMessages } from './filler-messages';
export type SignerRoleChoice = 'patient' | 'guardian' | 'representative';

/** What every field of the page shares: the words, the answers to show, who is shown, the problems. */
export interface FieldContext {
  t: FormsMessages;
  defaults: Answers;
  visible: ReadonlySet<string>;
  /** A sentence per linkId (answer, file or signature problem). */
  problems: Record<string, string>;
  signatures: Record<string, { name: string; role: string }>;
  consentTexts: Record<string, string>;
  defaultRole: SignerRoleChoice;
  maxFileBytes: number;
  assignmentId: string;
  upload: (input: FormData) => Promise<AnswerFileState>;
}

const CONTROL = 'mt-1 control';
const ERROR = 'mt-1 text-sm font-medium text-red-700 dark:text-red-300';

function RequiredMark({ t }: { t: FormsMessages }) {
  return (
    <>
      <span aria-hidden="true" className="ml-0.5 text-red-700 dark:text-red-300">*</span>
      <span className="sr-only"> ({t.requiredMark})</span>
    </>
  );
}

/** The fields of a list (the form, or a section), in order; hidden ones stay in the page, disabled. */
export function FieldList({ fields, ctx, depth }: { fields: readonly FormField[]; ctx: FieldContext; depth: number }) {
  return (
    <>
      {fields.map((field, index) => (
        <FillField key={field.linkId} field={field} ctx={ctx} depth={depth} consentShown={field.type === 'display' && fields[index + 1]?.type === 'signature'} />
      ))}
    </>
  );
}

function FillField({ field, ctx, depth, consentShown }: { field: FormField; ctx: FieldContext; depth: number; consentShown: boolean }) {
  const hidden = !ctx.visible.has(field.linkId);
  const id = `f-${field.linkId}`;
  const helpId = field.help ? `${id}-help` : undefined;
  const problem = hidden ? undefined : ctx.problems[field.linkId];
  const errorId = problem ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ') || undefined;
  const value = ctx.defaults[field.linkId];
  const name = `answer.${field.linkId}`;
  const wrap = (children: React.ReactNode) => (
    <div data-link-id={field.linkId} hidden={hidden} className="space-y-1">
      {children}
    </div>
  );
  const help = field.help ? <p id={helpId} className="text-sm text-fg-muted">{field.help}</p> : null;
  const error = problem ? <p id={errorId} className={ERROR}>{problem}</p> : null;
  const a11y = { 'aria-describedby': describedBy, 'aria-invalid': problem ? (true as const) : undefined };

  switch (field.type) {
    case 'section': {
      const Heading = depth === 0 ? 'h2' : 'h3';
      return (
        <section data-link-id={field.linkId} hidden={hidden} aria-labelledby={`${id}-title`} className="space-y-5 rounded-xl border border-line bg-surface p-4 sm:p-6">
          <Heading id={`${id}-title`} className="text-lg font-semibold">{field.label}</Heading>
          {help}
          <FieldList fields={field.fields ?? []} ctx={ctx} depth={depth + 1} />
        </section>
      );
    }
    case 'display': {
      if (field.heading) {
        const Heading = depth === 0 ? 'h2' : 'h3';
        return wrap(<Heading className="text-lg font-semibold">{field.label}</Heading>);
      }
      // Consent text right before a signature is read as part of the signature's statement.
      return wrap(<p className={consentShown ? 'whitespace-pre-line rounded-lg bg-surface-muted p-3' : 'whitespace-pre-line'}>{field.label}</p>);
    }
    case 'single_choice':
    case 'yes_no':
    case 'multiple_choice': {
      const options = field.type === 'yes_no'
        ? [{ code: 'true', label: ctx.t.yes }, { code: 'false', label: ctx.t.no }]
        : (field.options ?? []).map((o) => ({ code: o.code, label: o.label }));
      const multiple = field.type === 'multiple_choice';
      const chosen = (code: string) => (Array.isArray(value) ? value.includes(code) : String(value ?? '') === code);
      return wrap(
        <fieldset aria-describedby={describedBy} aria-invalid={problem ? true : undefined}>
          <legend className="text-base font-medium">{field.label}{field.required ? <RequiredMark t={ctx.t} /> : null}</legend>
          {help}
          <div className="mt-2 space-y-2">
            {options.map((option) => (
              <label key={option.code} className="choice">
                <input type={multiple ? 'checkbox' : 'radio'} name={name} value={option.code} defaultChecked={chosen(option.code)} disabled={hidden} className="size-5 accent-[var(--brand-accent,currentColor)]" />
                <span>{option.label}</span>
              </label>
            ))}
          </div>
          {error}
        </fieldset>,
      );
    }
    case 'long_text':
      return wrap(
        <>
          <Label id={id} field={field} t={ctx.t} />
          {help}
          <textarea id={id} name={name} rows={4} maxLength={5000} defaultValue={text(value)} disabled={hidden} aria-required={field.required || undefined} {...a11y} className={CONTROL} />
          {error}
        </>,
      );
    case 'file':
      return wrap(<FileAnswer field={field} ctx={ctx} id={id} name={name} value={value} hidden={hidden} help={help} error={error} a11y={a11y} />);
    case 'signature':
      return wrap(<SignatureAnswer field={field} ctx={ctx} id={id} hidden={hidden} problem={problem} />);
    default: {
      const input = {
        short_text: { type: 'text', maxLength: 500 },
        email: { type: 'email', autoComplete: 'email', maxLength: 254 },
        phone: { type: 'tel', autoComplete: 'tel', maxLength: 24 },
        number: { type: 'text', inputMode: 'decimal' as const },
        date: { type: 'date' },
      }[field.type];
      return wrap(
        <>
          <Label id={id} field={field} t={ctx.t} />
          {help}
          <input id={id} name={name} {...input} defaultValue={text(value)} disabled={hidden} aria-required={field.required || undefined} {...a11y} className={CONTROL} />
          {error}
        </>,
      );
    }
  }
}

function text(value: AnswerValue): string {
  return value === null || value === undefined || Array.isArray(value) ? '' : String(value);
}

function Label({ id, field, t }: { id: string; field: FormField; t: FormsMessages }) {
  return (
    <label htmlFor={id} className="block text-base font-medium">
      {field.label}
      {field.required ? <RequiredMark t={t} /> : null}
    </label>
  );
}

/**
 * A file question. With JavaScript the file is attached as soon as it is chosen and its id goes
 * into the answer (autosaved with the rest); without, the chosen file is posted with the form.
 */
function FileAnswer({ field, ctx, id, name, value, hidden, help, error, a11y }: {
  field: FormField; ctx: FieldContext; id: string; name: string; value: AnswerValue; hidden: boolean;
  help: React.ReactNode; error: React.ReactNode; a11y: Record<string, unknown>;
}) {
  const [fileId, setFileId] = useState(typeof value === 'string' ? value : '');
  const [status, setStatus] = useState<'idle' | 'uploading' | 'attached'>(fileId ? 'attached' : 'idle');
  const [uploadError, setUploadError] = useState('');
  const hiddenRef = (input: HTMLInputElement | null) => {
    // The autosave listens for input events: tell it the answer changed.
    if (input && input.value !== fileId) {
      input.value = fileId;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  };
  async function attach(event: React.ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > ctx.maxFileBytes) {
      setUploadError(interpolate(ctx.t.fileTooLarge, { size: formatBytes(file.size), max: formatBytes(ctx.maxFileBytes) }));
      return;
    }
    setStatus('uploading');
    setUploadError('');
    const payload = new FormData();
    payload.set('assignmentId', ctx.assignmentId);
    payload.set('linkId', field.linkId);
    payload.set('file', file);
    try {
      const result = await ctx.upload(payload);
      if (result.ok && result.fileId) {
        setFileId(result.fileId);
        setStatus('attached');
        // Attached: the form's own post must not send the file a second time.
        input.value = '';
      } else {
        setStatus(fileId ? 'attached' : 'idle');
        setUploadError(result.message ?? ctx.t.fileFailed);
      }
    } catch {
      setStatus(fileId ? 'attached' : 'idle');
      setUploadError(ctx.t.fileFailed);
    }
  }
  const hintId = `${id}-hint`;
  const describedBy = [a11y['aria-describedby'], hintId].filter(Boolean).join(' ');
  return (
    <>
      <Label id={id} field={field} t={ctx.t} />
      {help}
      <p id={hintId} className="text-sm text-fg-muted">
        {interpolate(ctx.t.fileHint, { size: formatBytes(ctx.maxFileBytes) })} {status === 'attached' ? ctx.t.fileReplace : null}
      </p>
      <input ref={hiddenRef} type="hidden" name={name} defaultValue={fileId} disabled={hidden} />
      <input id={id} type="file" name={`file.${field.linkId}`} accept={FILE_INPUT_ACCEPT} onChange={attach} disabled={hidden}
        aria-describedby={describedBy} aria-invalid={a11y['aria-invalid'] as true | undefined}
        className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium" />
      <p role="status" className="text-sm text-fg-muted">{status === 'uploading' ? ctx.t.fileUploading : status === 'attached' ? ctx.t.fileAttached : ''}</p>
      {uploadError ? <p className={ERROR}>{uploadError}</p> : error}
    </>
  );
}

function SignatureAnswer({ field, ctx, id, hidden, problem }: { field: FormField; ctx: FieldContext; id: string; hidden: boolean; problem?: string }) {
  const posted = ctx.signatures[field.linkId];
  const errorId = problem ? `${id}-error` : undefined;
  const base = `signature.${field.linkId}`;
  return (
    <fieldset className="space-y-4 rounded-xl border border-line bg-surface p-4" aria-describedby={errorId}>
      <legend className="px-1 text-base font-semibold">
        {field.label}
        {field.required ? <RequiredMark t={ctx.t} /> : null}
      </legend>
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium">{ctx.t.signatureName}</label>
        <p id={`${id}-name-hint`} className="mt-0.5 text-sm text-fg-muted">{ctx.t.signatureNameHint}</p>
        <input id={`${id}-name`} name={`${base}.name`} type="text" autoComplete="name" maxLength={200} defaultValue={posted?.name ?? ''} disabled={hidden}
          aria-required={field.required || undefined} aria-invalid={problem ? true : undefined}
          aria-describedby={[`${id}-name-hint`, errorId].filter(Boolean).join(' ')} className={CONTROL} />
      </div>
      <div>
        <label htmlFor={`${id}-role`} className="block text-sm font-medium">{ctx.t.signatureRole}</label>
        <select id={`${id}-role`} name={`${base}.role`} defaultValue={posted?.role || ctx.defaultRole} disabled={hidden} className={CONTROL}>
          <option value="patient">{ctx.t.rolePatient}</option>
          <option value="guardian">{ctx.t.roleGuardian}</option>
          <option value="representative">{ctx.t.roleRepresentative}</option>
        </select>
      </div>
      <SignaturePad name={`${base}.drawing`} label={ctx.t.drawLabel} hint={ctx.t.drawHint} areaLabel={ctx.t.drawArea} clearLabel={ctx.t.drawClear}
        drawnNote={ctx.t.drawn} clearedNote={ctx.t.drawCleared} disabled={hidden} />
      {problem ? <p id={errorId} className={ERROR}>{problem}</p> : null}
    </fieldset>
  );
}
