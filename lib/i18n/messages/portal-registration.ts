import 'server-only';
import { defineMessages } from '../core';

/**
 * /portal/register: a new patient creates their portal account (issue 19 point 4). The details'
 * labels and field messages are the shop's sign-up ones (shop-join); the code and password steps'
 * words are the portal's shared ones (portal-sign-in codeStepLabels, portal-access). Whether the
 * clinic knows the person is never said: the code step tells everyone where a message goes when
 * they already have an account.
 */
export const portalRegistration = defineMessages(
  {
    metaTitle: 'Create your account',
    title: 'Create your account',
    intro: 'New to {clinic}? Create your patient portal account. We’ll text a code to your mobile phone to confirm it.',
    introApproval: 'The clinic checks each new account before it can be used: we’ll let you know when yours is confirmed.',
    emailHintOptional: 'Optional: for messages from the clinic.',
    codeIntro: 'We sent a 6-digit code by SMS to your phone ending {last4}. It expires in 10 minutes.',
    codeAccountHint: 'Already have an account with {clinic}? Then no code is sent: we wrote to you instead, by email (or by text message if we have no email), so you can sign in or reset your password.',
    verify: 'Verify',
    passwordIntro: 'Your phone is confirmed. Now choose a password for your account.',
    createAccount: 'Create account',
    pendingTitle: 'Thank you for registering',
    pending: '{clinic} will check your registration and confirm it. We’ll let you know by email or text message; you can sign in once it is confirmed.',
    backToSignIn: 'Back to sign-in',
  },
  {
    metaTitle: 'Cree su cuenta',
    title: 'Cree su cuenta',
    intro: '¿Es nuevo en {clinic}? Cree su cuenta del portal de pacientes. Le enviaremos un código por SMS a su celular para confirmarlo.',
    introApproval: 'La clínica revisa cada cuenta nueva antes de que se pueda usar: le avisaremos cuando la suya esté confirmada.',
    emailHintOptional: 'Opcional: para mensajes de la clínica.',
    codeIntro: 'Enviamos un código de 6 dígitos por SMS a su teléfono terminado en {last4}. Vence en 10 minutos.',
    codeAccountHint: '¿Ya tiene una cuenta con {clinic}? Entonces no se envía ningún código: le escribimos a usted, por correo electrónico (o por SMS si no tenemos su correo), para que inicie sesión o restablezca su contraseña.',
    verify: 'Verificar',
    passwordIntro: 'Su teléfono está confirmado. Ahora elija una contraseña para su cuenta.',
    createAccount: 'Crear cuenta',
    pendingTitle: 'Gracias por registrarse',
    pending: '{clinic} revisará su registro y lo confirmará. Le avisaremos por correo electrónico o por SMS; podrá iniciar sesión cuando esté confirmado.',
    backToSignIn: 'Volver al inicio de sesión',
  },
);
export type PortalRegistrationMessages = (typeof portalRegistration)['en'];
