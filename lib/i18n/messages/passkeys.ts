import 'server-only';
import { defineMessages } from '../core';

/**
 * Passkeys: the list in settings (portal, staff and console alike: staff and operators read the
 * English), the name rule's messages (keys of lib/identity/passkeys/schemas.ts) and the passkey
 * step of signing in. Never says which part of a refused passkey failed.
 */
export const passkeys = defineMessages(
  {
    heading: 'Passkeys',
    portalIntro: 'A passkey lets you finish signing in with your fingerprint, face or device PIN instead of an SMS code. It works only on the address where you add it, which is shown next to it.',
    portalNotAllowed: 'Your clinic asks for an SMS code at every sign-in, so passkeys cannot be used here. You can still remove the ones you added.',
    empty: 'You have no passkeys yet.',
    colName: 'Name',
    colHost: 'Address',
    colAdded: 'Added',
    colLastUsed: 'Last used',
    never: 'Never',
    otherHost: 'Works only on {host}, not on this address.',
    addHeading: 'Add a passkey',
    nameLabel: 'Name (optional)',
    nameHint: 'For example “My phone”. Without a name, it is named after the kind of passkey.',
    addButton: 'Add a passkey',
    adding: 'Waiting for your device…',
    added: 'Passkey added: {name}.',
    addCancelled: 'No passkey was added: the request was cancelled or took too long. Try again when you are ready.',
    addDuplicate: 'This device already has a passkey for your account on this address.',
    addFailed: 'The passkey could not be added. Try again.',
    needsJavaScript: 'Adding a passkey needs JavaScript, which is off or has not loaded in this browser. You can still sign in as before.',
    unsupported: 'This browser cannot create passkeys. You can still sign in as before.',
    rename: 'Rename',
    renameLabel: 'New name for “{name}”',
    saveName: 'Save name',
    saving: 'Saving…',
    renamed: 'Name saved.',
    cancel: 'Cancel',
    remove: 'Remove',
    removeConfirm: 'Remove “{name}”? It can no longer be used to sign in.',
    removeButton: 'Yes, remove it',
    removing: 'Removing…',
    removed: 'Passkey removed.',
    defaultSynced: 'Synced passkey',
    defaultSecurityKey: 'Security key',
    defaultDevice: 'Passkey on this device',
    errNameRequired: 'Enter a name for the passkey.',
    errNameTooLong: 'Use at most 60 characters.',
    errNameControl: 'Remove the invisible control characters from the name.',
    errNotFound: 'This passkey no longer exists. Reload the page.',
    errGeneric: 'Something went wrong. Try again.',

    signInIntro: 'Finish signing in with your passkey: your device asks for your fingerprint, face or PIN.',
    usePasskey: 'Use my passkey',
    waiting: 'Waiting for your passkey…',
    smsInstead: 'Send me a code by SMS instead',
    signInFailed: 'That passkey could not be used to sign in here. Try again, or get a code by SMS.',
    signInCancelled: 'The passkey was not used: the request was cancelled or took too long. Try again, or get a code by SMS.',
    signInNeedsJavaScript: 'Passkeys need JavaScript, which is off or has not loaded in this browser. Get a code by SMS instead.',
    signInUnsupported: 'This browser cannot use passkeys. Get a code by SMS instead.',
  },
  {
    heading: 'Llaves de acceso',
    portalIntro: 'Una llave de acceso le permite terminar de iniciar sesión con su huella, su cara o el PIN del dispositivo en lugar de un código por SMS. Solo funciona en la dirección donde la agrega, que se muestra junto a ella.',
    portalNotAllowed: 'Su clínica pide un código por SMS en cada inicio de sesión, así que aquí no se pueden usar llaves de acceso. Aún puede eliminar las que agregó.',
    empty: 'Todavía no tiene llaves de acceso.',
    colName: 'Nombre',
    colHost: 'Dirección',
    colAdded: 'Agregada',
    colLastUsed: 'Último uso',
    never: 'Nunca',
    otherHost: 'Solo funciona en {host}, no en esta dirección.',
    addHeading: 'Agregar una llave de acceso',
    nameLabel: 'Nombre (opcional)',
    nameHint: 'Por ejemplo, “Mi teléfono”. Sin nombre, se llama según el tipo de llave.',
    addButton: 'Agregar una llave de acceso',
    adding: 'Esperando a su dispositivo…',
    added: 'Llave de acceso agregada: {name}.',
    addCancelled: 'No se agregó ninguna llave: la solicitud se canceló o tardó demasiado. Inténtelo de nuevo cuando esté listo.',
    addDuplicate: 'Este dispositivo ya tiene una llave de acceso para su cuenta en esta dirección.',
    addFailed: 'No se pudo agregar la llave de acceso. Inténtelo de nuevo.',
    needsJavaScript: 'Para agregar una llave de acceso hace falta JavaScript, que está desactivado o no se ha cargado en este navegador. Puede seguir iniciando sesión como antes.',
    unsupported: 'Este navegador no puede crear llaves de acceso. Puede seguir iniciando sesión como antes.',
    rename: 'Cambiar nombre',
    renameLabel: 'Nuevo nombre para “{name}”',
    saveName: 'Guardar nombre',
    saving: 'Guardando…',
    renamed: 'Nombre guardado.',
    cancel: 'Cancelar',
    remove: 'Eliminar',
    removeConfirm: '¿Eliminar “{name}”? Ya no se podrá usar para iniciar sesión.',
    removeButton: 'Sí, eliminarla',
    removing: 'Eliminando…',
    removed: 'Llave de acceso eliminada.',
    defaultSynced: 'Llave sincronizada',
    defaultSecurityKey: 'Llave de seguridad',
    defaultDevice: 'Llave en este dispositivo',
    errNameRequired: 'Escriba un nombre para la llave de acceso.',
    errNameTooLong: 'Use como máximo 60 caracteres.',
    errNameControl: 'Quite los caracteres de control invisibles del nombre.',
    errNotFound: 'Esta llave de acceso ya no existe. Vuelva a cargar la página.',
    errGeneric: 'Algo salió mal. Inténtelo de nuevo.',

    signInIntro: 'Termine de iniciar sesión con su llave de acceso: su dispositivo le pedirá su huella, su cara o su PIN.',
    usePasskey: 'Usar mi llave de acceso',
    waiting: 'Esperando a su llave de acceso…',
    smsInstead: 'Enviarme un código por SMS',
    signInFailed: 'Esa llave de acceso no sirve para iniciar sesión aquí. Inténtelo de nuevo o pida un código por SMS.',
    signInCancelled: 'No se usó la llave de acceso: la solicitud se canceló o tardó demasiado. Inténtelo de nuevo o pida un código por SMS.',
    signInNeedsJavaScript: 'Las llaves de acceso necesitan JavaScript, que está desactivado o no se ha cargado en este navegador. Pida un código por SMS.',
    signInUnsupported: 'Este navegador no puede usar llaves de acceso. Pida un código por SMS.',
  },
);

export type PasskeyMessages = (typeof passkeys)['en'];

/** The sign-in step's words, for the client component. */
export type PasskeySignInMessages = Pick<PasskeyMessages, 'signInIntro' | 'usePasskey' | 'waiting' | 'smsInstead' | 'signInCancelled' | 'signInUnsupported' | 'signInNeedsJavaScript'>;

export function pickPasskeySignInMessages(m: PasskeyMessages): PasskeySignInMessages {
  const { signInIntro, usePasskey, waiting, smsInstead, signInCancelled, signInUnsupported, signInNeedsJavaScript } = m;
  return { signInIntro, usePasskey, waiting, smsInstead, signInCancelled, signInUnsupported, signInNeedsJavaScript };
}
