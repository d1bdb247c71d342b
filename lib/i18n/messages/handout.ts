import 'server-only';
import { defineMessages } from '../core';

/**
 * The printed portal handout (seed 003), in the patient's language: the CRM prints it for any
 * portal language. Button names inside quotes ({activate}, {setUp}, {forgot}) are filled from the
 * sign-in page's own catalog, so the sheet names exactly what the patient will see.
 */
export const handout = defineMessages(
  {
    documentTitle: '{clinic} patient portal',
    heading: 'Your patient portal',
    intro: '{clinic} has an online patient portal. Use it on your phone, tablet or computer, at any time.',
    addressLabel: 'Portal address',
    addressHint: 'Type this address into your browser and bookmark it.',

    startHeading: 'Getting started',
    phoneNeeded: 'For your security, the portal texts a 6-digit code to your mobile phone each time you sign in. Make sure {clinic} has your current mobile number.',
    codeStep: 'Enter the 6-digit code we text to your mobile phone.',

    inviteHeading: 'With an email invitation',
    inviteOpen: 'When the clinic invites you, you receive an email from {clinic}. Open its link within 24 hours; it works once.',
    invitePassword: 'Choose a password. If you already have an account here, enter its password instead: the invitation adds the person to your account.',
    inviteExpired: 'Link expired? Ask the clinic for a new invitation.',

    portalIdHeading: 'With a portal ID from the clinic',
    portalIdOpen: 'Open the portal address and choose “{activate}”.',
    portalIdDetails: 'Enter the 6-digit portal ID printed on the sheet the clinic gave you, the first letters of your first and last names, and your date of birth.',
    portalIdPasswordEmail: 'Enter your email address and choose a password.',
    portalIdPasswordNationalId: 'Choose a password. You will sign in with your {idLabel}.',
    portalIdOnce: 'A portal ID works once. Ask at the front desk if you need one.',

    selfHeading: 'On your own, in a few minutes',
    selfOpen: 'Open the portal address and choose “{setUp}”.',
    selfIdentifierEmail: 'Enter the email address the clinic has for you.',
    selfIdentifierNationalId: 'Enter your {idLabel}.',
    selfPassword: 'Choose a password.',
    selfCondition: 'This works when the clinic has your mobile number on file.',

    manualOnly: 'The clinic opens portal accounts: ask at the front desk or call us for an email invitation or a portal ID.',

    signInHeading: 'Signing in',
    signInEmail: 'Open the portal address and enter your email and password.',
    signInNationalId: 'Open the portal address and enter your {idLabel} and password.',
    forgotPassword: 'Forgot your password? Choose “{forgot}” on the sign-in page.',

    offersHeading: 'What you can do in the portal',
    bookingsOnline: 'Book, reschedule or cancel visits online, and see what is coming up.',
    bookingsViewOnly: 'See your upcoming visits. To book or change a visit, contact the clinic.',
    documents: 'Read, download and print the documents the clinic shares with you.',
    messagesReply: 'Read the clinic’s messages and answer them.',
    messagesAssigned: 'Write to the staff who look after you, and read and answer the clinic’s messages.',
    messagesAll: 'Write to the clinic, and read and answer its messages.',
    uploadsTitle: 'Send files',
    uploads: 'Send files to the clinic, such as a referral letter or earlier results.',
    formsTitle: 'Forms',
    forms: 'Fill in and sign the forms the clinic sends you, such as intake and consent forms, before your visit.',
    homeActivitiesTitle: 'Home activities',
    homeActivities: 'See and print the home activities the clinic gives you, and mark each day done.',
    personalData: 'Keep your address, phone and email up to date.',
    history: 'Look back at your past visits.',
    familyTitle: 'Family',
    family: 'One account can look after the children or relatives the clinic links to it.',

    noteHeading: 'A note from {clinic}',
    languages: 'The portal is available in {languages}. Choose your language on the sign-in page or under “{settings}”.',
    privacy: 'Keep your password and codes to yourself: {clinic} will never ask you for them.',
    contactPhone: 'Questions? Call {clinic} at {phone}.',
    contactDesk: 'Questions? Ask at the front desk of {clinic}.',
  },
  {
    documentTitle: 'Portal del paciente de {clinic}',
    heading: 'Su portal del paciente',
    intro: '{clinic} tiene un portal del paciente en línea. Úselo en su teléfono, tableta o computadora, a cualquier hora.',
    addressLabel: 'Dirección del portal',
    addressHint: 'Escriba esta dirección en su navegador y guárdela en favoritos.',

    startHeading: 'Cómo empezar',
    phoneNeeded: 'Por su seguridad, el portal envía un código de 6 dígitos por SMS a su teléfono móvil cada vez que inicia sesión. Asegúrese de que {clinic} tenga su número de móvil actual.',
    codeStep: 'Escriba el código de 6 dígitos que le enviamos por SMS a su teléfono móvil.',

    inviteHeading: 'Con una invitación por correo electrónico',
    inviteOpen: 'Cuando la clínica lo invite, recibirá un correo electrónico de {clinic}. Abra su enlace dentro de las 24 horas; funciona una sola vez.',
    invitePassword: 'Elija una contraseña. Si ya tiene una cuenta aquí, escriba esa contraseña: la invitación agrega a la persona a su cuenta.',
    inviteExpired: '¿El enlace venció? Pida a la clínica una nueva invitación.',

    portalIdHeading: 'Con un ID del portal de la clínica',
    portalIdOpen: 'Abra la dirección del portal y elija «{activate}».',
    portalIdDetails: 'Escriba el ID del portal de 6 dígitos impreso en la hoja que le dio la clínica, las iniciales de su nombre y de su apellido, y su fecha de nacimiento.',
    portalIdPasswordEmail: 'Escriba su correo electrónico y elija una contraseña.',
    portalIdPasswordNationalId: 'Elija una contraseña. Iniciará sesión con su {idLabel}.',
    portalIdOnce: 'Un ID del portal funciona una sola vez. Pídalo en la recepción si lo necesita.',

    selfHeading: 'Por su cuenta, en pocos minutos',
    selfOpen: 'Abra la dirección del portal y elija «{setUp}».',
    selfIdentifierEmail: 'Escriba el correo electrónico que la clínica tiene registrado.',
    selfIdentifierNationalId: 'Escriba su {idLabel}.',
    selfPassword: 'Elija una contraseña.',
    selfCondition: 'Esto funciona cuando la clínica tiene registrado su número de móvil.',

    manualOnly: 'La clínica abre las cuentas del portal: pida en la recepción o llámenos para recibir una invitación por correo electrónico o un ID del portal.',

    signInHeading: 'Cómo iniciar sesión',
    signInEmail: 'Abra la dirección del portal y escriba su correo electrónico y su contraseña.',
    signInNationalId: 'Abra la dirección del portal y escriba su {idLabel} y su contraseña.',
    forgotPassword: '¿Olvidó su contraseña? Elija «{forgot}» en la página de inicio de sesión.',

    offersHeading: 'Qué puede hacer en el portal',
    bookingsOnline: 'Reserve, cambie o cancele citas en línea, y vea las próximas.',
    bookingsViewOnly: 'Vea sus próximas citas. Para reservar o cambiar una cita, comuníquese con la clínica.',
    documents: 'Lea, descargue e imprima los documentos que la clínica comparte con usted.',
    messagesReply: 'Lea los mensajes de la clínica y respóndalos.',
    messagesAssigned: 'Escriba al personal que lo atiende, y lea y responda los mensajes de la clínica.',
    messagesAll: 'Escriba a la clínica, y lea y responda sus mensajes.',
    uploadsTitle: 'Enviar archivos',
    uploads: 'Envíe archivos a la clínica, como una carta de derivación o resultados anteriores.',
    formsTitle: 'Formularios',
    forms: 'Complete y firme los formularios que le envía la clínica, como los de admisión y consentimiento, antes de su cita.',
    homeActivitiesTitle: 'Actividades en casa',
    homeActivities: 'Vea e imprima las actividades en casa que le indica la clínica, y marque cada día completado.',
    personalData: 'Mantenga al día su dirección, teléfono y correo electrónico.',
    history: 'Consulte sus citas anteriores.',
    familyTitle: 'Familia',
    family: 'Una sola cuenta puede atender a los hijos o familiares que la clínica vincule a ella.',

    noteHeading: 'Un mensaje de {clinic}',
    languages: 'El portal está disponible en {languages}. Elija su idioma en la página de inicio de sesión o en «{settings}».',
    privacy: 'No comparta su contraseña ni sus códigos: {clinic} nunca se los pedirá.',
    contactPhone: '¿Preguntas? Llame a {clinic} al {phone}.',
    contactDesk: '¿Preguntas? Pregunte en la recepción de {clinic}.',
  },
);
