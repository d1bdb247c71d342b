import 'server-only';
import { defineMessages } from '../core';

/** Choosing whom the account acts for. */
export const portalSelectPatient = defineMessages(
  {
    title: 'Choose a profile',
    heading: 'Who are you acting for?',
    intro: 'Your account can reach several profiles. Pick one; you can switch at any time from the selector at the top.',
    none: 'No profiles are linked to your account yet. Please contact the clinic.',
    profileLine: '{relationship} · born {date}',
  },
  {
    title: 'Elegir un perfil',
    heading: '¿En nombre de quién está actuando?',
    intro: 'Su cuenta tiene acceso a varios perfiles. Elija uno; puede cambiarlo en cualquier momento desde el selector de arriba.',
    none: 'Todavía no hay perfiles vinculados a su cuenta. Comuníquese con la clínica.',
    profileLine: '{relationship} · fecha de nacimiento: {date}',
  },
);
