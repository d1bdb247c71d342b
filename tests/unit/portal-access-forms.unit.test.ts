import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

import { CodeStep } from '@/components/auth/code-step';
import { PortalSignInForm } from '@/components/auth/portal-sign-in-form';
import { ActivationForm } from '@/components/portal-access/activation-form';
import { ForgotPasswordForm } from '@/components/portal-access/forgot-password-form';
import { InviteAcceptForm } from '@/components/portal-access/invite-accept-form';
import { LanguageSwitch } from '@/components/portal-access/language-switch';
import { PasswordFields } from '@/components/portal-access/password-fields';
import type { Locale } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';

/** The forms' first render: the labels people (and screen readers) find, and errors tied to fields. */

function labels(html: string): string[] {
  return [...html.matchAll(/<label[^>]*>([^<]*)<\/label>/g)].map((m) => m[1]!);
}

// The page hands each form its server action; the first render only passes it to useActionState.
const inLanguage = (locale: Locale) => ({ action: vi.fn(), messages: portalAccess[locale], codeStep: codeStepLabels(locale) });
const noop = () => {};

describe('portal access forms', () => {
  it('asks for the printed details under the labels of the instructions', () => {
    const html = renderToStaticMarkup(createElement(ActivationForm, { identifierLabel: 'Email', identifierMode: 'email', ...inLanguage('en') }));
    expect(labels(html)).toEqual(['Portal ID', 'First initial of first name', 'First initial of last name', 'Date of birth (MM/DD/YYYY)']);
    // Every label points at its input.
    for (const [, id] of html.matchAll(/<label for="([^"]+)"/g)) expect(html).toContain(`id="${id}"`);
  });

  it('asks for the same details in Spanish', () => {
    const html = renderToStaticMarkup(createElement(ActivationForm, { identifierLabel: 'Correo electrónico', identifierMode: 'email', ...inLanguage('es') }));
    expect(labels(html)).toEqual(['ID de portal', 'Inicial del nombre', 'Inicial del apellido', 'Fecha de nacimiento (MM/DD/AAAA)']);
    expect(html).toContain('>Confirmar</button>');
    expect(html).not.toContain('Confirm<');
  });

  it('offers the reset link only where the clinic identifies by email', () => {
    const email = renderToStaticMarkup(
      createElement(ForgotPasswordForm, { identifierLabel: 'Email', identifierInSentence: 'email', identifierType: 'email', offerEmailLink: true, ...inLanguage('en') }),
    );
    const national = renderToStaticMarkup(
      createElement(ForgotPasswordForm, { identifierLabel: 'TAJ', identifierInSentence: 'TAJ', identifierType: 'text', offerEmailLink: false, ...inLanguage('en') }),
    );
    expect(email).toContain('Email me a reset link');
    expect(email).toContain('Enter the email you sign in with.');
    expect(national).not.toContain('Email me a reset link');
    expect(national).toContain('Enter the TAJ you sign in with.');
    expect(labels(national)).toEqual(['TAJ']);
    const spanish = renderToStaticMarkup(
      createElement(ForgotPasswordForm, { identifierLabel: 'TAJ', identifierInSentence: 'TAJ', identifierType: 'text', offerEmailLink: true, ...inLanguage('es') }),
    );
    expect(spanish).toContain('Escriba el TAJ con el que inicia sesión.');
    expect(spanish).toContain('Enviarme un enlace por correo');
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

  it('labels the password fields in Spanish', () => {
    const html = renderToStaticMarkup(createElement(PasswordFields, { messages: portalAccess.es }));
    expect(labels(html)).toEqual(['Contraseña nueva', 'Confirme la contraseña']);
    expect(html).toContain(portalAccess.es.passwordRules);
  });

  it('puts the invited email in bold inside the translated sentence, as text', () => {
    const props = { token: 't', mode: 'new' as const, email: '<b>{last4}</b>@example.test', maskedPhone: '•••• 0101' };
    const html = renderToStaticMarkup(createElement(InviteAcceptForm, { ...props, ...inLanguage('es') }));
    expect(html).toContain('Elija una contraseña para <strong class="text-fg">&lt;b&gt;{last4}&lt;/b&gt;@example.test</strong>. Después');
    expect(html).toContain('terminado en 0101.');
  });
});

describe('portal sign-in form and code step', () => {
  it('keeps the English sign-in texts the e2e tests and people rely on', () => {
    const html = renderToStaticMarkup(createElement(PortalSignInForm, { action: vi.fn(), identifierLabel: 'Email', identifierType: 'email', messages: portalSignIn.en }));
    expect(labels(html)).toEqual(['Email', 'Password']);
    expect(html).toContain('>Continue</button>');
  });

  it('signs in in Spanish', () => {
    const html = renderToStaticMarkup(createElement(PortalSignInForm, { action: vi.fn(), identifierLabel: 'Correo electrónico', identifierType: 'email', messages: portalSignIn.es }));
    expect(labels(html)).toEqual(['Correo electrónico', 'Contraseña']);
    expect(html).toContain('>Continuar</button>');
  });

  it('shows the code step in the language of the labels it is given', () => {
    const english = renderToStaticMarkup(createElement(CodeStep, { action: noop, pending: false, state: {}, intro: 'intro', submitLabel: 'Verify', labels: codeStepLabels('en') }));
    expect(labels(english)).toEqual(['Verification code']);
    expect(english).toContain('Resend code');
    expect(english).toContain('Didn’t get it? You can resend now.');
    expect(english).toContain('>Start again</button>');
    const spanish = renderToStaticMarkup(
      createElement(CodeStep, { action: noop, pending: false, state: { resendAt: Date.now() + 59_500 }, intro: 'intro', submitLabel: 'Verificar', labels: codeStepLabels('es') }),
    );
    expect(labels(spanish)).toEqual(['Código de verificación']);
    expect(spanish).toContain('Reenviar código');
    expect(spanish).toMatch(/Puede reenviarlo en (0:5\d|1:00)/);
    expect(spanish).toContain('>Empezar de nuevo</button>');
  });
});

describe('language switch', () => {
  it('names each language in itself, marks its language and which one is on', () => {
    const html = renderToStaticMarkup(createElement(LanguageSwitch, { action: vi.fn(), locale: 'es', label: 'Idioma' }));
    expect(html).toContain('role="group" aria-label="Idioma"');
    const buttons = [...html.matchAll(/<button ([^>]*)>([^<]*)<\/button>/g)].map(([, attributes, name]) => ({ attributes: attributes!, name }));
    expect(buttons.map((button) => button.name)).toEqual(['English', 'Español']);
    expect(buttons[0]!.attributes).toMatch(/value="en" lang="en" aria-pressed="false"/);
    expect(buttons[1]!.attributes).toMatch(/value="es" lang="es" aria-pressed="true"/);
    for (const button of buttons) expect(button.attributes).toContain('name="language"');
  });
});
