import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { AddCustomDomainForm, CustomDomainActions, SubdomainForm } from '@/components/crm/domain-forms';
import { DomainRecords } from '@/components/crm/domain-records';
import { Page } from '@/components/ui/page';
import { CardSection, FormSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { getDomainsOverview } from '@/lib/domains/domains';
import { vercelConfigFromEnv } from '@/lib/domains/vercel';
import { addCustomDomainAction, changeSubdomainAction, removeDomainAction, verifyDomainAction } from './actions';

export const metadata: Metadata = { title: 'Domains' };

export default async function DomainsPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const overview = await getDomainsOverview(getDb(), ctx);
  const hostingManaged = vercelConfigFromEnv() !== null;
  return (
    <Page title="Domains" description={<>Where patients and staff reach your clinic: an address on {overview.rootDomain}, and your own domains once you prove you control them.</>}>
      <FormSection id="subdomain-heading" title="Clinic address" description={<>Currently <span className="font-mono text-fg">{overview.subdomain?.host ?? 'none'}</span></>}>
        <SubdomainForm action={changeSubdomainAction} label={overview.subdomain?.label ?? ''} rootDomain={overview.rootDomain} />
      </FormSection>

      <CardSection id="custom-heading" title="Custom domains" description="Add a domain, create the two DNS records shown for it at your DNS provider, then choose “Verify”. A domain opens your clinic only once it is verified.">
        {hostingManaged ? (
          <p className="mt-2 text-sm text-fg-muted">Domains you add or remove here are also added to or removed from the hosting project automatically.</p>
        ) : (
          <p className="mt-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            This deployment does not register domains with its hosting provider automatically. After adding a domain here, ask the platform operator to add it to the hosting project
            (Vercel: Project → Settings → Domains), and to remove it there when you remove it here. Until then it will not serve traffic, even when verified.
          </p>
        )}
        <div className="mt-4">
          <AddCustomDomainForm action={addCustomDomainAction} />
        </div>
        {overview.customDomains.length === 0 ? (
          <p className="mt-4 text-sm text-fg-muted">No custom domains yet.</p>
        ) : (
          <ul className="mt-4 divide-y divide-line rounded-lg border border-line">
            {overview.customDomains.map((d) => (
              <li key={d.id} className="space-y-3 p-4">
                <div className="flex flex-col gap-3 lg:flex-row lg:items-start lg:justify-between">
                  <p className="font-medium">
                    <span className="font-mono">{d.hostname}</span>
                    {d.verifiedAt ? (
                      <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900">verified</span>
                    ) : (
                      <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">waiting for DNS</span>
                    )}
                  </p>
                  <CustomDomainActions domain={{ id: d.id, hostname: d.hostname, verified: Boolean(d.verifiedAt) }} verify={verifyDomainAction} remove={removeDomainAction} />
                </div>
                <DomainRecords hostname={d.hostname} records={d.records} />
              </li>
            ))}
          </ul>
        )}
      </CardSection>
    </Page>
  );
}
