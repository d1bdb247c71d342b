import { PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { PlainFormAction } from '@/lib/actions/result';
import type { Formatters, Translate } from '@/lib/i18n/core';
import type { VisitLinksMessages } from '@/lib/i18n/messages/visit-links';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import type { VisitLinkVisit } from '@/lib/scheduling/visit-link-actions';

/**
 * The parts of the page a reminder's confirm / cancel link opens. Server components: the forms
 * post without JavaScript (a link opened from any mail or SMS app).
 */

interface FactsLocation {
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
}

/**
 * When, where and with whom, as the signed-out link pages show a visit (a reminder's, a waitlist
 * offer's): the time where the visit happens (the location's zone, named), and `ownTime` under it
 * when the page also gives the patient's own. Never the service.
 */
export function VisitFacts({ startsAt, timeZone, location: l, provider, labels, fmt }: {
  startsAt: Date;
  timeZone: string;
  location: FactsLocation;
  provider: string;
  labels: { when: string; where: string; withWhom: string; zoneNamed: string; ownTime?: string | null };
  fmt: Formatters;
}) {
  const address = [l.addressLine1, l.addressLine2, l.city, [l.region, l.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return (
    <dl className="mt-4 grid gap-3 rounded-xl border border-line bg-surface-muted p-4 text-sm">
      <div>
        <dt className="text-fg-muted">{labels.when}</dt>
        <dd className="font-medium">
          <time dateTime={startsAt.toISOString()} className="block">{fmt.dateTime(startsAt, timeZone)}</time>
          <span className="block font-normal text-fg-muted">{labels.zoneNamed}</span>
          {labels.ownTime ? <span className="block font-normal">{labels.ownTime}</span> : null}
        </dd>
      </div>
      <div>
        <dt className="text-fg-muted">{labels.where}</dt>
        <dd className="font-medium">
          <span className="block">{l.name}</span>
          <span className="block font-normal">{address}</span>
        </dd>
      </div>
      <div>
        <dt className="text-fg-muted">{labels.withWhom}</dt>
        <dd className="font-medium">{provider}</dd>
      </div>
    </dl>
  );
}

/** A reminder link's visit. */
export function VisitLinkFacts({ visit, t, fmt }: { visit: VisitLinkVisit; t: Translate<VisitLinksMessages>; fmt: Formatters }) {
  return (
    <VisitFacts
      startsAt={visit.startsAt} timeZone={visit.timeZone} location={visit.location} provider={visit.provider} fmt={fmt}
      labels={{ when: t('when'), where: t('where'), withWhom: t('withWhom'), zoneNamed: t('zoneNamed', { zone: fmt.zoneName(visit.startsAt, visit.timeZone) }) }}
    />
  );
}

/** One button posting the token: a GET of the page never changes anything, the button does. */
export function VisitLinkButton({ action, token, label, primary }: { action: PlainFormAction; token: string; label: string; primary: boolean }) {
  const Button = primary ? PrimaryButton : SecondaryButton;
  return (
    <form action={action}>
      <input type="hidden" name="token" value={token} />
      <Button type="submit" className="w-full">{label}</Button>
    </form>
  );
}

/** Whom to call when the link cannot do it: the location's phone (a tel: link), or the clinic in general. */
export function VisitLinkContact({ visit, t }: { visit: VisitLinkVisit; t: Translate<VisitLinksMessages> }) {
  if (!visit.location.phone) return <p className="mt-3 text-sm">{t('contactClinic')}</p>;
  // "{phone}" is left in the sentence by the translator and replaced by a link here.
  const [before, after] = t('contactPhone', { location: visit.location.name }).split('{phone}');
  return (
    <p className="mt-3 text-sm">
      {before}
      <a href={`tel:${visit.location.phone}`} className="link">{formatPhoneForDisplay(visit.location.phone)}</a>
      {after}
    </p>
  );
}
