import 'server-only';
import { defineMessages, type Locale } from '../core';

/**
 * Portal sign-in: the public frame (language switch), the sign-in page, the SMS code step every
 * patient flow shares, the sign-in errors and the notices after a session ends. Errors never say
 * whether an account exists. Counted phrases have a One/Other pair (both languages use 1 = one).
 */
export const portalSignIn = defineMessages(
  {
    languageSwitch: 'Language',
    portalUnavailable: 'The patient portal is not available for this clinic. Please contact the clinic.',

    metaTitle: 'Sign in',
    welcome: 'Welcome to {clinic}',
    welcomeIntro: 'Book and manage your visits, read your documents and keep your details up to date, from any device.',
    heading: 'Sign in',
    forgotPassword: 'Forgot password?',
    portalIdPrompt: 'Got a portal ID from the clinic?',
    activateAccount: 'Activate account',
    firstTimePrompt: 'First time here?',
    setUpAccount: 'Set up your account',
    registerPrompt: 'New patient?',
    registerLink: 'Create an account',
    ourLocation: 'Our location',
    ourLocations: 'Our locations',

    identifierEmail: 'Email',
    identifierEmailInSentence: 'email',
    password: 'Password',
    checking: 'Checking…',
    continue: 'Continue',
    codeHint: 'We’ll text a code to the phone on file to finish signing in.',
    codeIntro: 'We sent a 6-digit code by SMS to your phone ending {last4}. It expires in 10 minutes.',
    verifyAndSignIn: 'Verify and sign in',
    useDifferentAccount: 'Use a different account',
    enterIdentifier: 'Enter your {identifier}.',
    newCodeSent: 'We sent a new code.',

    codeLabel: 'Verification code',
    resendCode: 'Resend code',
    resendIn: 'You can resend in {time}',
    resendNow: 'Didn’t get it? You can resend now.',
    startAgain: 'Start again',

    errInvalidCredentials: 'The {identifier} or password is not correct. Check both and try again.',
    errLockedOne: 'Too many failed sign-ins. For your security, signing in is paused for {n} minute.',
    errLockedOther: 'Too many failed sign-ins. For your security, signing in is paused for {n} minutes.',
    errTooManyCodesOne: 'Too many codes were sent. You can ask for a new one in {n} minute.',
    errTooManyCodesOther: 'Too many codes were sent. You can ask for a new one in {n} minutes.',
    errResendTooSoonOne: 'You can ask for a new code in {n} second.',
    errResendTooSoonOther: 'You can ask for a new code in {n} seconds.',
    errSmsFailed: 'We couldn’t send the code — try again.',
    errMalformed: 'Enter the 6 digits from the SMS.',
    errWrongCodeOne: 'That code is not correct. {n} try left.',
    errWrongCodeOther: 'That code is not correct. {n} tries left.',
    errExpired: 'The code has expired — send a new one.',
    errTooManyAttempts: 'Too many wrong codes. Send a new code and try again.',
    errNoCode: 'Send a code first.',
    errNoAttempt: 'Your sign-in attempt has expired. Please start again.',
    errNoPhone: 'We don’t have a mobile number for you, and sign-in needs one. Please contact the clinic to add it.',
    errAwaitingApproval: 'Your registration is waiting for the clinic’s approval. We’ll let you know as soon as the clinic has confirmed it.',
    errRegistrationRejected: 'The clinic could not confirm your registration. Please contact the clinic.',
    errUnknown: 'Something went wrong. Please try again.',

    sessionIdle: 'You were signed out after a period of inactivity, to protect your information. Please sign in again.',
    sessionExpired: 'Your session has ended. Please sign in again.',
    sessionAccountDeleted: 'Your portal account is deleted. The clinic keeps your medical records; ask the clinic if you need access again.',
    sessionSignedOut: 'You have signed out.',
    sessionActivated: 'Your account is ready. Sign in with your new password.',
    sessionInviteAccepted: 'Your password is set. Sign in to finish setting up your account.',
    sessionPasswordReset: 'Your password has been changed. Sign in with your new password.',
    sessionLinked: 'This patient was added to your existing account; sign in with your usual password.',
  },
  {
    languageSwitch: 'Idioma',
    portalUnavailable: 'El portal del paciente no está disponible para esta clínica. Comuníquese con la clínica.',

    metaTitle: 'Iniciar sesión',
    welcome: 'Bienvenido a {clinic}',
    welcomeIntro: 'Reserve y gestione sus citas, lea sus documentos y mantenga sus datos al día, desde cualquier dispositivo.',
    heading: 'Iniciar sesión',
    forgotPassword: '¿Olvidó su contraseña?',
    portalIdPrompt: '¿La clínica le dio un ID de portal?',
    activateAccount: 'Activar cuenta',
    firstTimePrompt: '¿Es su primera vez aquí?',
    setUpAccount: 'Configure su cuenta',
    registerPrompt: '¿Es paciente nuevo?',
    registerLink: 'Cree una cuenta',
    ourLocation: 'Nuestra sede',
    ourLocations: 'Nuestras sedes',

    identifierEmail: 'Correo electrónico',
    identifierEmailInSentence: 'correo electrónico',
    password: 'Contraseña',
    checking: 'Comprobando…',
    continue: 'Continuar',
    codeHint: 'Le enviaremos un código por SMS al teléfono registrado para terminar de iniciar sesión.',
    codeIntro: 'Enviamos un código de 6 dígitos por SMS a su teléfono terminado en {last4}. Vence en 10 minutos.',
    verifyAndSignIn: 'Verificar e iniciar sesión',
    useDifferentAccount: 'Usar otra cuenta',
    enterIdentifier: 'Escriba su {identifier}.',
    newCodeSent: 'Le enviamos un código nuevo.',

    codeLabel: 'Código de verificación',
    resendCode: 'Reenviar código',
    resendIn: 'Puede reenviarlo en {time}',
    resendNow: '¿No le llegó? Ya puede reenviarlo.',
    startAgain: 'Empezar de nuevo',

    errInvalidCredentials: 'El {identifier} o la contraseña no son correctos. Revise ambos e inténtelo de nuevo.',
    errLockedOne: 'Demasiados intentos fallidos. Por su seguridad, el inicio de sesión está en pausa durante {n} minuto.',
    errLockedOther: 'Demasiados intentos fallidos. Por su seguridad, el inicio de sesión está en pausa durante {n} minutos.',
    errTooManyCodesOne: 'Se enviaron demasiados códigos. Podrá pedir uno nuevo en {n} minuto.',
    errTooManyCodesOther: 'Se enviaron demasiados códigos. Podrá pedir uno nuevo en {n} minutos.',
    errResendTooSoonOne: 'Podrá pedir un código nuevo en {n} segundo.',
    errResendTooSoonOther: 'Podrá pedir un código nuevo en {n} segundos.',
    errSmsFailed: 'No pudimos enviar el código. Inténtelo de nuevo.',
    errMalformed: 'Escriba los 6 dígitos del SMS.',
    errWrongCodeOne: 'Ese código no es correcto. Le queda {n} intento.',
    errWrongCodeOther: 'Ese código no es correcto. Le quedan {n} intentos.',
    errExpired: 'El código venció. Pida uno nuevo.',
    errTooManyAttempts: 'Demasiados códigos incorrectos. Pida un código nuevo e inténtelo de nuevo.',
    errNoCode: 'Primero pida un código.',
    errNoAttempt: 'Su intento de inicio de sesión venció. Empiece de nuevo.',
    errNoPhone: 'No tenemos un número de celular suyo, y el inicio de sesión lo necesita. Comuníquese con la clínica para agregarlo.',
    errAwaitingApproval: 'Su registro está esperando la aprobación de la clínica. Le avisaremos en cuanto la clínica lo confirme.',
    errRegistrationRejected: 'La clínica no pudo confirmar su registro. Comuníquese con la clínica.',
    errUnknown: 'Algo salió mal. Inténtelo de nuevo.',

    sessionIdle: 'Cerramos su sesión tras un periodo de inactividad, para proteger su información. Vuelva a iniciar sesión.',
    sessionExpired: 'Su sesión terminó. Vuelva a iniciar sesión.',
    sessionAccountDeleted: 'Su cuenta del portal se eliminó. La clínica conserva sus expedientes médicos; pídale acceso de nuevo si lo necesita.',
    sessionSignedOut: 'Cerró su sesión.',
    sessionActivated: 'Su cuenta está lista. Inicie sesión con su nueva contraseña.',
    sessionInviteAccepted: 'Su contraseña está configurada. Inicie sesión para terminar de configurar su cuenta.',
    sessionPasswordReset: 'Su contraseña cambió. Inicie sesión con su nueva contraseña.',
    sessionLinked: 'Este paciente se agregó a su cuenta existente; inicie sesión con su contraseña de siempre.',
  },
);

export type PortalSignInMessages = typeof portalSignIn.en;

/** What the shared SMS code step shows (components/auth/code-step.tsx), in one language. */
export interface CodeStepLabels {
  codeLabel: string;
  resendCode: string;
  /** "You can resend in {time}" */
  resendIn: string;
  resendNow: string;
  startAgain: string;
  checking: string;
}

export function codeStepLabels(locale: Locale): CodeStepLabels {
  return pickCodeStepLabels(portalSignIn[locale]);
}

/** What the sign-in form (a client component) shows: only these strings travel to the browser. */
export type SignInFormMessages = Pick<PortalSignInMessages, 'password' | 'continue' | 'checking' | 'codeHint' | 'codeIntro' | 'verifyAndSignIn' | 'useDifferentAccount'> & CodeStepLabels;

export function pickSignInFormMessages(messages: PortalSignInMessages): SignInFormMessages {
  const { password, continue: next, codeHint, codeIntro, verifyAndSignIn, useDifferentAccount } = messages;
  return { ...pickCodeStepLabels(messages), password, continue: next, codeHint, codeIntro, verifyAndSignIn, useDifferentAccount };
}

export function pickCodeStepLabels(messages: CodeStepLabels): CodeStepLabels {
  const { codeLabel, resendCode, resendIn, resendNow, startAgain, checking } = messages;
  return { codeLabel, resendCode, resendIn, resendNow, startAgain, checking };
}
