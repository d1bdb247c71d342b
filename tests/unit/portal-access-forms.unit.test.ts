import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ActivationForm } from '@/components/portal-access/activation-form';
import { ForgotPasswordForm } from '@/components/portal-access/forgot-password-form';
import { PasswordFields } from '@/components/portal-access/password-fields';

/** The forms' first render: the labels people (and screen readers) find, and errors tied to fields. */

function labels(html: string): string[] {
  return [...html.matchAll(/<label[^>]*>([^<]*)<\/label>/g)].map((m) => m[1]!);
}

describe('portal access forms', () => {
  it('asks for the printed details under the labels of the instructions', () => {
    const html = renderToStaticMarkup(createElement(ActivationForm, { identifierLabel: 'Email', identifierMode: 'email' }));
    expect(labels(html)).toEqual(['Portal ID', 'First initial of first name', 'First initial of last name', 'Date of birth (MM/DD/YYYY)']);
    // Every label points at its input.
    for (const [, id] of html.matchAll(/<label for="([^"]+)"/g)) expect(html).toContain(`id="${id}"`);
  });

  it('offers the reset link only where the clinic identifies by email', () => {
    const email = renderToStaticMarkup(createElement(ForgotPasswordForm, { identifierLabel: 'Email', identifierType: 'email', offerEmailLink: true }));
    const national = renderToStaticMarkup(createElement(ForgotPasswordForm, { identifierLabel: 'TAJ', identifierType: 'text', offerEmailLink: false }));
    expect(email).toContain('Email me a reset link');
    expect(national).not.toContain('Email me a reset link');
    expect(labels(national)).toEqual(['TAJ']);
  });

  it('lists every password problem and ties the list to the field', () => {
    const html = renderToStaticMarkup(createElement(PasswordFields, { problems: ['Add a digit.', 'Add an upper-case letter.'], confirmError: 'The two passwords don’t match.' }));
    expect(labels(html)).toEqual(['New password', 'Confirm password']);
    const describedBy = html.match(/name="password"[^>]*aria-describedby="([^"]+)"/)?.[1] ?? html.match(/aria-describedby="([^"]+)"[^>]*name="password"/)?.[1];
    const problemsId = html.match(/<ul id="([^"]+)"/)![1]!;
    expect(describedBy?.split(' ')).toContain(problemsId);
    expect(html).toContain('<li>Add a digit.</li>');
    expect(html).toContain('<li>Add an upper-case letter.</li>');
  });
});
