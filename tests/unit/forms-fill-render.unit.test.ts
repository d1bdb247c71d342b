import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FormFiller } from '@/components/clinic-forms/fill/form-filler';
import { STARTER_TEMPLATES } from '@/lib/clinic-forms/starter-templates';
import { forms } from '@/lib/i18n/messages/forms';

const intake = STARTER_TEMPLATES.find((s) => s.key === 'general-intake')!.definition;
const noop = async () => ({});

function render(answers: Record<string, unknown>, locale: 'en' | 'es' = 'en') {
  return renderToStaticMarkup(createElement(FormFiller, {
    assignmentId: '00000000-0000-4000-8000-000000000001', definition: intake, revision: 3, answers: answers as never,
    consentTexts: {}, defaultRole: 'guardian', maxFileBytes: 4 * 1024 * 1024, messages: forms[locale],
    actions: { fill: noop, save: noop, upload: noop },
  }));
}

describe('the filling page’s form (server render, before any JavaScript)', () => {
  it('labels every question, groups choices in fieldsets with legends, wires help text, marks required', () => {
    const html = render({});
    expect(html).toContain('<h2 id="f-demographics-title"');
    expect(html).toMatch(/<label for="f-date_of_birth"[^>]*>Date of birth<span aria-hidden="true"[^>]*>\*<\/span><span class="sr-only"> \(required\)<\/span><\/label>/);
    expect(html).toMatch(/<input id="f-date_of_birth" type="date" aria-required="true"[^>]*name="answer.date_of_birth"/);
    expect(html).toMatch(/<fieldset aria-describedby="f-conditions-help"><legend[^>]*>Have you been told you have any of these\?<\/legend><p id="f-conditions-help"/);
    expect(html).toMatch(/type="checkbox"[^>]*name="answer.conditions" value="asthma"/);
    expect(html).toMatch(/type="radio"[^>]*name="answer.takes_medication" value="true"/);
    expect(html).toContain('name="revision" value="3"');
    expect(html).toContain('name="signature.consent_signature.name"');
    expect(html).toMatch(/<select id="f-consent_signature-role" name="signature.consent_signature.role"[^>]*>.*<option value="guardian" selected="">/);
    expect(html).toMatch(/<button type="submit" value="submit"[^>]*name="intent">Submit</);
    expect(html).toMatch(/<button type="submit" value="save"[^>]*name="intent">Save and continue later</);
    expect(html).toContain('aria-live="polite"');
  });

  it('hides a conditional question (and leaves it out of the post) until its condition holds in the answers', () => {
    const hidden = render({ takes_medication: false });
    expect(hidden).toMatch(/<div data-link-id="medications" hidden=""[^>]*>.*?<textarea id="f-medications" name="answer.medications"[^>]*disabled=""/s);
    const shown = render({ takes_medication: true, medications: 'Aspirin' });
    expect(shown).toMatch(/<div data-link-id="medications" class/);
    expect(shown).toContain('>Aspirin</textarea>');
    expect(shown).toMatch(/name="answer.takes_medication" checked="" value="true"/);
  });

  it('speaks the account’s language', () => {
    const html = render({}, 'es');
    expect(html).toContain('Guardar y continuar más tarde');
    expect(html).toContain('(obligatorio)');
  });
});
