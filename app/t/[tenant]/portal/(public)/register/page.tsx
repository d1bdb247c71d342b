import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { AccessCard } from '@/components/portal-access/access-card';
import { RegistrationForm } from '@/components/portal-access/registration-form';
import { getDb } from '@/db/client';
import { identifierFieldLabel } from '@/lib/auth/messages';
import { getPortalSession } from '@/lib/auth/portal-session';
import { signupFieldTexts } from '@/lib/commerce/visitor-signup-forms';
import { interpolate, messagesFor } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { portalRegistration } from '@/lib/i18n/messages/portal-registration';
import { codeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import { shopJoin } from '@/lib/i18n/messages/shop-join';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { newPersonWording } from '@/lib/portal-access/new-person';
import { registrationOpen } from '@/lib/portal-access/registration';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { registrationAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalRegistration);
  return { title: t('metaTitle') };
}

/**
 * /portal/register: a new patient creates their portal account (issue 19 point 4). Not found
 * unless the clinic takes registrations (CRM → Portal settings); someone signed in goes to the portal.
 */
export default async function RegisterPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  if (!registrationOpen(profile)) notFound();
  if ((await getPortalSession()).status === 'signed-in') redirect('/portal');

  const { locale } = await getPublicPortalI18n(portalRegistration);
  const m = portalRegistration[locale];
  const join = shopJoin[locale];
  const wording = await newPersonWording(getDb(), profile, locale);
  const fill = (text: string) => interpolate(text, { ...wording });
  const { identificationMode, nationalIdLabel, selfRegistration } = profile.portal;
  return (
    <AccessCard title={m.title}>
      <RegistrationForm
        action={registrationAction}
        needsApproval={selfRegistration === 'approval'}
        nationalIdLabel={identificationMode === 'national_id' ? identifierFieldLabel(identificationMode, nationalIdLabel, locale) : null}
        messages={{
          intro: fill(m.intro), introApproval: m.introApproval, emailHintOptional: m.emailHintOptional, codeIntro: m.codeIntro,
          codeAccountHint: fill(m.codeAccountHint), verify: m.verify, passwordIntro: m.passwordIntro, createAccount: m.createAccount,
          pendingTitle: m.pendingTitle, pending: fill(m.pending), backToSignIn: m.backToSignIn,
        }}
        fields={{
          alreadyHaveAccount: join.alreadyHaveAccount, signIn: join.signIn, firstName: join.firstName, lastName: join.lastName,
          dateOfBirth: join.dateOfBirth, dateOfBirthPlaceholder: join.dateOfBirthPlaceholder, phone: join.phone, phoneHint: fill(join.phoneHint),
          email: join.email, emailHintSignIn: join.emailHintSignIn, identifierHint: fill(join.identifierHint), sendCode: join.sendCode, sending: join.sending,
        }}
        errors={signupFieldTexts(join, wording)}
        access={messagesFor(portalAccess, locale)}
        codeStep={codeStepLabels(locale)}
      />
    </AccessCard>
  );
}
