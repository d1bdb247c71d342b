import 'server-only';
import { INTL_LOCALE, LOCALE_NAMES, LOCALES, translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';
import { handout as catalog } from '@/lib/i18n/messages/handout';
import { portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import type { HandoutFacts } from './facts';

/**
 * The handout as content: a pure function of the clinic's facts and a language, so the print view
 * and the PDF say the same thing and each rule ("only what the clinic has switched on") is
 * unit-tested once. Renderers only lay the blocks out.
 */

export type HandoutBlock =
  | { kind: 'steps'; id: 'invite' | 'portal-id' | 'self-service' | 'sign-in'; heading: string; steps: string[]; after?: string }
  | { kind: 'features'; id: 'features'; heading: string; items: HandoutFeature[] }
  | { kind: 'text'; id: 'getting-started' | 'note'; heading: string; paragraphs: string[] };

export type HandoutFeatureKey = 'bookings' | 'documents' | 'messages' | 'uploads' | 'forms' | 'home-activities' | 'personal-data' | 'history' | 'family';

export interface HandoutFeature {
  key: HandoutFeatureKey;
  title: string;
  text: string;
}

export interface Handout {
  locale: Locale;
  /** The BCP 47 tag for `lang` attributes and the PDF's language. */
  lang: string;
  documentTitle: string;
  clinicName: string;
  brandColor: string;
  logoUrl: string | null;
  heading: string;
  intro: string;
  address: { label: string; url: string; hint: string };
  blocks: HandoutBlock[];
  /** Short lines at the foot: languages, privacy, who to ask. */
  footer: string[];
}

export function buildHandout(facts: HandoutFacts, locale: Locale): Handout {
  const t = translator(catalog, locale);
  const nav = common[locale];
  const buttons = portalSignIn[locale];
  const clinic = facts.clinicName;
  const byEmail = facts.identificationMode === 'email';
  const idLabel = facts.nationalIdLabel;
  // What the portal is for comes first: the sheet has to make a patient want to sign up.
  const blocks: HandoutBlock[] = [{ kind: 'features', id: 'features', heading: t('offersHeading'), items: features(facts, locale) }];

  blocks.push({ kind: 'text', id: 'getting-started', heading: t('startHeading'), paragraphs: [t('phoneNeeded', { clinic })].concat(facts.accessMode === 'manual' ? [t('manualOnly')] : []) });
  // Automatic access first: it is the one a patient can do today without waiting for the clinic.
  if (facts.accessMode === 'automatic') {
    blocks.push({
      kind: 'steps', id: 'self-service', heading: t('selfHeading'),
      steps: [
        t('selfOpen', { setUp: buttons.setUpAccount }),
        byEmail ? t('selfIdentifierEmail') : t('selfIdentifierNationalId', { idLabel }),
        t('codeStep'),
        t('selfPassword'),
      ],
      after: t('selfCondition'),
    });
  }
  blocks.push({
    kind: 'steps', id: 'invite', heading: t('inviteHeading'),
    steps: [t('inviteOpen', { clinic }), t('invitePassword'), t('codeStep')],
    after: t('inviteExpired'),
  });
  blocks.push({
    kind: 'steps', id: 'portal-id', heading: t('portalIdHeading'),
    steps: [
      t('portalIdOpen', { activate: buttons.activateAccount }),
      t('portalIdDetails'),
      byEmail ? t('portalIdPasswordEmail') : t('portalIdPasswordNationalId', { idLabel }),
      t('codeStep'),
    ],
    after: t('portalIdOnce'),
  });
  blocks.push({
    kind: 'steps', id: 'sign-in', heading: t('signInHeading'),
    steps: [byEmail ? t('signInEmail') : t('signInNationalId', { idLabel }), t('codeStep')],
    after: t('forgotPassword', { forgot: buttons.forgotPassword }),
  });
  if (facts.note) {
    blocks.push({ kind: 'text', id: 'note', heading: t('noteHeading', { clinic }), paragraphs: facts.note.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean) });
  }

  const languages = new Intl.ListFormat(INTL_LOCALE[locale], { type: 'conjunction' }).format(LOCALES.map((l) => LOCALE_NAMES[l]));
  return {
    locale,
    lang: INTL_LOCALE[locale],
    documentTitle: t('documentTitle', { clinic }),
    clinicName: clinic,
    brandColor: facts.primaryColor,
    logoUrl: facts.logoUrl,
    heading: t('heading'),
    intro: t('intro', { clinic }),
    address: { label: t('addressLabel'), url: facts.portalUrl, hint: t('addressHint') },
    blocks,
    footer: [
      t('languages', { languages, settings: nav.navSettings }),
      t('privacy', { clinic }),
      facts.contactPhone ? t('contactPhone', { clinic, phone: facts.contactPhone }) : t('contactDesk', { clinic }),
    ],
  };
}

/** What the portal offers this clinic's patients: only what the clinic has switched on. */
function features(facts: HandoutFacts, locale: Locale): HandoutFeature[] {
  const t = translator(catalog, locale);
  const nav = common[locale];
  const messages = facts.messagingPolicy === 'all_clients' ? 'messagesAll' : facts.messagingPolicy === 'assigned_only' ? 'messagesAssigned' : 'messagesReply';
  const items: (HandoutFeature | false)[] = [
    { key: 'bookings', title: nav.navBookings, text: t(facts.onlineBooking ? 'bookingsOnline' : 'bookingsViewOnly') },
    facts.forms && { key: 'forms', title: t('formsTitle'), text: t('forms') },
    { key: 'documents', title: nav.navDocuments, text: t('documents') },
    facts.patientUploadsAllowed && { key: 'uploads', title: t('uploadsTitle'), text: t('uploads') },
    { key: 'messages', title: nav.navMessages, text: t(messages) },
    facts.homeActivities && { key: 'home-activities', title: t('homeActivitiesTitle'), text: t('homeActivities') },
    { key: 'personal-data', title: nav.navData, text: t('personalData') },
    { key: 'history', title: nav.navHistory, text: t('history') },
    { key: 'family', title: t('familyTitle'), text: t('family') },
  ];
  return items.filter((item): item is HandoutFeature => item !== false);
}
