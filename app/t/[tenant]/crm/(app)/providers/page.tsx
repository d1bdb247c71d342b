import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { ProviderFlagButton } from '@/components/crm/provider-forms';
import { Page } from '@/components/ui/page';
import { ListSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { listProviderCandidates } from '@/lib/providers/providers';
import { setProviderFlagAction } from './actions';

export const metadata: Metadata = { title: 'Providers' };

export default async function ProvidersPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const staff = await listProviderCandidates(getDb(), ctx);
  return (
    <Page title="Providers" description="The staff patients can book. Mark active staff as providers, then set the services each offers, their weekly hours at each location and their time off.">
      <ListSection id="providers-heading" title="Active staff" items={staff} empty="No active staff yet. Invite users first.">
        {(s) => (
          <li key={s.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
            <div>
              <p className="font-medium">
                {s.isProvider ? <Link href={`/crm/providers/${s.id}`} className="underline underline-offset-2">{s.fullName}</Link> : s.fullName}
                {s.isProvider ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900">provider</span> : null}
                {s.status !== 'active' ? <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">{s.status}</span> : null}
              </p>
              <p className="text-sm text-fg-muted">{[s.title, s.email].filter(Boolean).join(' · ')}</p>
            </div>
            <div className="flex flex-wrap items-start gap-2">
              {s.isProvider ? (
                <Link href={`/crm/providers/${s.id}`} className="rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted">
                  Services and hours<span className="sr-only"> of {s.fullName}</span>
                </Link>
              ) : null}
              <ProviderFlagButton action={setProviderFlagAction} staff={s} />
            </div>
          </li>
        )}
      </ListSection>
    </Page>
  );
}
