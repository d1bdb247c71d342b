import 'server-only';
import { defineMessages } from '../core';

/**
 * What a person acting for a patient reads when their link does not open a part of the patient's
 * portal (issue 19: a proxy's scope, its dates, the clinic's age rules).
 */
export const portalAreas = defineMessages(
  {
    areaNotOpen: 'Your access to this person’s record does not include this. If you need it, ask the clinic.',
    areaUnavailableNotice: 'That part of the portal is not included in your access for {name}. The sections below are.',
  },
  {
    areaNotOpen: 'Su acceso al expediente de esta persona no incluye esto. Si lo necesita, pregunte a la clínica.',
    areaUnavailableNotice: 'Esa parte del portal no está incluida en su acceso para {name}. Las secciones de abajo sí lo están.',
  },
);
