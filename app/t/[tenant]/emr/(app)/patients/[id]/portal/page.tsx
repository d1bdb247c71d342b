import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { InviteToPortalForm, NotificationPreferenceForm, PortalActionButton } from '@/components/emr/portal-admin-forms';
import { ProxyLinkForm } from '@/components/emr/proxy-link-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listAssignableTemplates } from '@/lib/clinic-forms/templates';
import { getPatientChart } from '@/lib/patients/chart';
import { messagingZone } from '@/lib/conversations/staff-display';
import { listActiveDocumentTypes, listPatientDocuments } from '@/lib/documents/staff-documents';
import { clinicDateTime, clinicDay } from '@/lib/intl/clinic-time';
import { formatDateOfBirth, relationshipLabel } from '@/lib/patients/display';
import { PORTAL_AREA_LABELS } from '@/lib/portal-access/proxy-link-form';
import { listProxyLinks, type ProxyLinkView } from '@/lib/portal-access/proxy-links';
import { getPortalAccessState, type PortalAccessStatus } from '@/lib/portal-access/staff-admin';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import {
  createPortalUserAction, inviteToPortalAction, revokeInviteAction, saveProxyLinkAction, setNotificationPreferenceAction, setPortalAccessAction,
  unlockPortalAction,
} from './actions';

export const metadata: Metadata = { title: 'Patient Portal' };

const STATUS: Record<PortalAccessStatus, { label: string; style: string; help: string }> = {
  none: { label: 'No access', style: 'bg-slate-200 text-slate-900', help: 'The patient has no portal account yet.' },
  invited: { label: 'Invited', style: 'bg-amber-100 text-amber-900', help: 'A portal ID or invitation is waiting to be used.' },
  active: { label: 'Active', style: 'bg-emerald-100 text-emerald-900', help: 'The patient can sign in.' },
  locked: { label: 'Locked', style: 'bg-red-100 text-red-900', help: 'Too many failed attempts. Unlock after confirming the person’s identity.' },
  disabled: { label: 'Disabled', style: 'bg-slate-300 text-slate-900', help: 'Portal access is turned off for this patient.' },
};

export default async function PatientPortalTab({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const ctx = await requireStaff('emr', 'portal_admin.view');
  const { profile } = await getPageTenant(params);
  const { id } = await params;
  const db = getDb();
  const canAssign = ctx.actor.permissions.has('forms.assign');
  // Editing a proxy link is a change to the patient's record; a new consent file is an upload.
  const canEditLinks = ctx.actor.permissions.has('patients.edit');
  const canSeeDocuments = canEditLinks && ctx.actor.permissions.has('documents.view');
  const canUpload = canEditLinks && ctx.actor.permissions.has('documents.upload');
  const [patient, state, forms, proxies] = await Promise.all([
    getPatientChart(db, ctx, id),
    getPortalAccessState(db, ctx, id),
    canAssign ? listAssignableTemplates(db, ctx) : Promise.resolve(undefined),
    listProxyLinks(db, ctx, id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const status = STATUS[state.status];
  const hasProxies = proxies.links.some((l) => l.relationship !== 'self');
  const [documents, documentTypes] = canEditLinks && hasProxies
    ? await Promise.all([
        canSeeDocuments ? listPatientDocuments(db, ctx, id) : Promise.resolve(undefined),
        canUpload ? listActiveDocumentTypes(db, ctx) : Promise.resolve([]),
      ])
    : [undefined, []];
  const links = new Map(proxies.links.map((l) => [l.accountId, l]));
  const zone = messagingZone(profile);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <section aria-labelledby="access-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="access-heading" className="text-lg font-semibold">Portal access</h2>
        <p className="mt-2">
          <span className={`rounded-full px-2.5 py-1 text-sm font-semibold ${status.style}`}>{status.label}</span>
        </p>
        <p className="mt-2 text-sm text-fg-muted">{status.help}</p>
        {!state.hasPhone ? (
          <p className="mt-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
            No mobile number on file: the patient cannot sign in until one is added (the portal sends an SMS code at every sign-in).
          </p>
        ) : null}
        {profile.portal.accessMode === 'manual' ? (
          <div className="mt-4">
            <PortalActionButton
              action={setPortalAccessAction}
              patientId={id}
              label={state.accessEnabled ? 'Turn off portal access' : 'Turn on portal access'}
              fields={{ enabled: state.accessEnabled ? 'false' : 'true' }}
            />
          </div>
        ) : (
          <p className="mt-3 text-sm text-fg-muted">This clinic uses automatic access: patients with a validated phone can claim their account.</p>
        )}
        <div className="mt-5 border-t border-line pt-4">
          <NotificationPreferenceForm
            patientId={id}
            value={state.documentNotification}
            clinicDefault={profile.portal.defaultDocumentNotification}
            action={setNotificationPreferenceAction}
          />
        </div>
        {state.status === 'locked' ? (
          <div className="mt-4">
            <PortalActionButton action={unlockPortalAction} patientId={id} label="Unlock" />
          </div>
        ) : null}
      </section>

      <section aria-labelledby="printed-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="printed-heading" className="text-lg font-semibold">Printed activation</h2>
        {state.pendingPortalCode ? (
          <p className="mt-2">
            Portal ID <strong className="font-mono text-lg tracking-widest">{state.pendingPortalCode.code}</strong>
            {state.pendingPortalCode.locked ? ' (locked after 5 wrong tries)' : ''}
          </p>
        ) : (
          <p className="mt-2 text-sm text-fg-muted">Give the patient a portal ID and printed steps to activate their account.</p>
        )}
        <div className="mt-4 flex flex-wrap gap-3">
          <PortalActionButton action={createPortalUserAction} patientId={id} label={state.pendingPortalCode ? 'Create a new portal ID' : 'Create portal user'} tone="primary" />
          {state.pendingPortalCode ? (
            <a href={`/emr/patients/${id}/portal/instructions`} className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">
              Print patient instructions
            </a>
          ) : null}
        </div>
      </section>

      <section aria-labelledby="invite-heading" className="rounded-xl border border-line bg-surface p-5 lg:col-span-2">
        <h2 id="invite-heading" className="text-lg font-semibold">Invite by email</h2>
        <div className="mt-3">
          <InviteToPortalForm
            patientId={id}
            defaultEmail={patient.email}
            action={inviteToPortalAction}
            intakeForms={forms?.filter((f) => f.kind !== 'home_activity').map((f) => ({ id: f.id, title: f.title }))}
          />
        </div>
        {state.pendingInvites.length > 0 ? (
          <ul className="mt-4 divide-y divide-line rounded-lg border border-line">
            {state.pendingInvites.map((invite) => (
              <li key={invite.id} className="flex flex-wrap items-center justify-between gap-2 p-3 text-sm">
                <span>
                  {invite.email} · {invite.relationship ? relationshipLabel(invite.relationship) : 'Contact'} · expires{' '}
                  {clinicDateTime(zone).format(invite.expiresAt)}
                </span>
                <PortalActionButton action={revokeInviteAction} patientId={id} label="Revoke" fields={{ tokenId: invite.id }} />
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="accounts-heading" className="rounded-xl border border-line bg-surface p-5 lg:col-span-2">
        <h2 id="accounts-heading" className="text-lg font-semibold">Portal accounts for this patient</h2>
        {proxies.rules.enabled ? (
          <p className="mt-1 text-sm text-fg-muted">
            Age rules: from {proxies.rules.teenAge} a parent’s or caregiver’s access narrows to appointments, messages and bills unless the patient agrees in
            the portal; from {proxies.rules.adultAge} it ends unless the patient grants it again. {patient.firstName} is {proxies.patient.age} today.
          </p>
        ) : null}
        {state.accounts.length === 0 ? (
          <p className="mt-2 text-sm text-fg-muted">None yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-line">
            {state.accounts.map((a) => {
              const link = links.get(a.id);
              return (
                <li key={a.id} className="py-3 text-sm">
                  <p>
                    <span className="font-medium">{a.fullName}</span> · {a.relationship === 'self' ? 'the patient' : relationshipLabel(a.relationship)}
                    {a.email ? ` · ${a.email}` : ''} · {a.locked ? 'locked' : a.status}
                  </p>
                  {link && link.relationship !== 'self' ? (
                    <ProxyLinkSummary
                      zone={zone}
                      link={link}
                      documents={documents}
                      documentTypes={documentTypes}
                      patientId={id}
                      canEdit={canEditLinks}
                      canUpload={canUpload}
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

const STATE_STYLE: Record<string, string> = {
  Full: 'bg-emerald-100 text-emerald-900',
  Limited: 'bg-amber-100 text-amber-900',
  Custom: 'bg-sky-100 text-sky-900',
  Ended: 'bg-slate-300 text-slate-900',
  'Not started': 'bg-slate-200 text-slate-900',
};

const stamp = (at: Date, zone: string) => clinicDay(zone).format(at);

/** A proxy's link: its state today and why, what was granted, the dates, the consent, the editor. */
function ProxyLinkSummary({ link, documents, documentTypes, patientId, canEdit, canUpload, zone }: {
  link: ProxyLinkView;
  documents: { id: string; title: string; typeName: string }[] | undefined;
  documentTypes: { id: string; name: string }[];
  patientId: string;
  canEdit: boolean;
  canUpload: boolean;
  /** The clinic's zone, for the dates of consent. */
  zone: string;
}) {
  const granted = link.scope === 'full' ? 'Full access' : link.scope === 'limited' ? 'Limited (appointments, messages, bills)'
    : `Custom: ${link.granted.map((a) => PORTAL_AREA_LABELS[a].toLowerCase()).join('; ')}`;
  return (
    <div className="mt-2 space-y-2 rounded-lg border border-line p-3">
      <p>
        <span className={`rounded-full px-2.5 py-1 text-sm font-semibold ${STATE_STYLE[link.state.label] ?? STATE_STYLE.Custom}`}>{link.state.label} today</span>{' '}
        <span>{link.state.detail}</span>
      </p>
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
        <dt className="text-fg-muted">Granted</dt>
        <dd>{granted}</dd>
        <dt className="text-fg-muted">Dates</dt>
        <dd>
          {link.startsOn ? `From ${formatDateOfBirth(link.startsOn)}` : 'From the start'}
          {link.endsOn ? ` to ${formatDateOfBirth(link.endsOn)} (inclusive)` : ', no end date'}
        </dd>
        <dt className="text-fg-muted">Signed consent</dt>
        <dd>
          {link.evidence ? (
            <a href={`/api/documents/${link.evidence.id}/download?view=1`} target="_blank" rel="noopener" className="link">
              {link.evidence.title}
            </a>
          ) : 'None on file'}
        </dd>
        {link.teenConsentAt ? (
          <>
            <dt className="text-fg-muted">Teen’s agreement</dt>
            <dd>Agreed in the portal on {stamp(link.teenConsentAt, zone)}</dd>
          </>
        ) : null}
        {link.adultGrantAt ? (
          <>
            <dt className="text-fg-muted">Adult’s grant</dt>
            <dd>Granted again in the portal on {stamp(link.adultGrantAt, zone)}</dd>
          </>
        ) : null}
      </dl>
      {canEdit ? (
        <details>
          <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
            Change access of {link.fullName}
          </summary>
          <div className="mt-3">
            <ProxyLinkForm
              patientId={patientId}
              accountId={link.accountId}
              accountName={link.fullName}
              values={{ scope: link.scope, areas: link.areas, startsOn: link.startsOn, endsOn: link.endsOn, evidenceDocumentId: link.evidence?.id ?? null }}
              documents={documents?.map((d) => ({ id: d.id, title: d.title, typeName: d.typeName }))}
              documentTypes={documentTypes.map((t) => ({ id: t.id, name: t.name }))}
              canUpload={canUpload}
              action={saveProxyLinkAction}
            />
          </div>
        </details>
      ) : null}
    </div>
  );
}
