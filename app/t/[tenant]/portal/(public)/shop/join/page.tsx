import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { VisitorSignupForm } from '@/components/commerce/join/visitor-signup-form';
import { AccessCard } from '@/components/portal-access/access-card';
import { getDb } from '@/db/client';
import { identifierFieldLabel } from '@/lib/auth/messages';
import { getPortalSession } from '@/lib/auth/portal-session';
import { signupWording, visitorSignupOpen } from '@/lib/commerce/visitor-signup';
import { safeNextPath, signupFieldTexts } from '@/lib/commerce/visitor-signup-forms';
import { interpolate } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import { shopJoin } from '@/lib/i18n/messages/shop-join';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { visitorSignupAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(shopJoin);
  return { title: t('metaTitle') };
}

/**
 * /portal/shop/join?next=…: a new visitor creates their portal account on the way to the checkout.
 * Not found unless the clinic's shop takes new visitors; someone signed in goes straight on.
 */
export default async function ShopJoinPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const { profile } = await getPageTenant(params);
  const db = getDb();
  if (!(await visitorSignupOpen(db, profile))) notFound();
  const { next: asked } = await searchParams;
  const next = safeNextPath(Array.isArray(asked) ? asked[0] : asked);
  if ((await getPortalSession()).status === 'signed-in') redirect(next);

  const { locale } = await getPublicPortalI18n(shopJoin);
  const m = shopJoin[locale];
  const wording = await signupWording(db, profile, locale);
  const { identificationMode, nationalIdLabel, accessMode } = profile.portal;
  const access = portalAccess[locale];
  const fill = (text: string) => interpolate(text, { ...wording });
  return (
    <AccessCard title={m.title}>
      <VisitorSignupForm
        action={visitorSignupAction}
        next={next}
        nationalIdLabel={identificationMode === 'national_id' ? identifierFieldLabel(identificationMode, nationalIdLabel, locale) : null}
        claimAvailable={accessMode === 'automatic'}
        messages={{
          intro: fill(m.intro), alreadyHaveAccount: m.alreadyHaveAccount, signIn: m.signIn, firstName: m.firstName, lastName: m.lastName,
          dateOfBirth: m.dateOfBirth, dateOfBirthPlaceholder: m.dateOfBirthPlaceholder, phone: m.phone, phoneHint: fill(m.phoneHint),
          email: m.email, emailHint: m.emailHint, emailHintSignIn: m.emailHintSignIn, identifierHint: fill(m.identifierHint), terms: fill(m.terms),
          sendCode: m.sendCode, sending: m.sending, codeIntro: m.codeIntro, verify: m.verify, setUpAccess: m.setUpAccess,
          activateWithPortalId: m.activateWithPortalId,
        }}
        errors={signupFieldTexts(m, wording)}
        passwordMessages={{ newPassword: access.password, passwordRules: access.passwordRules, confirmPassword: access.confirmPassword }}
        codeStep={codeStepLabels(locale)}
      />
    </AccessCard>
  );
}
