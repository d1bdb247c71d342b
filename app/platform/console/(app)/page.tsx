import type { Metadata } from 'next';
import { ConsoleFrame } from '@/components/console/console-frame';
import { CreateClinicForm } from '@/components/console/console-forms';
import { getDb } from '@/db/client';
import { requireOperator } from '@/lib/auth/operator-session';
import { platformRootDomain } from '@/lib/config/env';
import { listClinics } from '@/lib/platform/clinics';
import { smsPricePerSegmentMicroUsd } from '@/lib/sms-spend/price';
import { estimateCostMicroUsd, formatUsd, formatUsdPrice } from '@/lib/sms-spend/rules';
import { createClinicAction, operatorSignOutAction, setClinicStatusAction } from '../actions';

export const metadata: Metadata = { title: 'Clinics · Carebridge console' };
export const dynamic = 'force-dynamic';

export default async function ConsoleClinics() {
  const operator = await requireOperator();
  const clinics = await listClinics(getDb());
  const price = smsPricePerSegmentMicroUsd();
  return (
    <ConsoleFrame operator={operator} signOut={operatorSignOutAction}>
      <h1 className="text-2xl font-semibold">Clinics</h1>
      <div className="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">All clinics</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">Clinic</th>
              <th scope="col" className="px-4 py-3 font-medium">Status</th>
              <th scope="col" className="px-4 py-3 font-medium">Domains</th>
              <th scope="col" className="px-4 py-3 font-medium">Staff</th>
              <th scope="col" className="px-4 py-3 font-medium">Patients</th>
              <th scope="col" className="px-4 py-3 font-medium text-right">SMS this month</th>
              <th scope="col" className="px-4 py-3 font-medium text-right">SMS cost (estimate)</th>
              <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {clinics.map((c) => (
              <tr key={c.id}>
                <td className="px-4 py-3 font-medium">{c.name}<div className="text-xs font-normal text-slate-600">{c.slug}</div></td>
                <td className="px-4 py-3">
                  <span className={c.status === 'active' ? 'rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900' : 'rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-900'}>{c.status}</span>
                </td>
                <td className="px-4 py-3 text-slate-700">{c.domains.join(', ')}</td>
                <td className="px-4 py-3">{c.staff}</td>
                <td className="px-4 py-3">{c.patients}</td>
                <td className="px-4 py-3 text-right tabular-nums">{c.smsSent.toLocaleString('en-US')}<div className="text-xs text-slate-600">{c.smsSegments.toLocaleString('en-US')} segments</div></td>
                <td className="px-4 py-3 text-right tabular-nums">{formatUsd(estimateCostMicroUsd(c.smsSegments, price))}</td>
                <td className="px-4 py-3 text-right">
                  <form action={setClinicStatusAction}>
                    <input type="hidden" name="tenantId" value={c.id} />
                    <input type="hidden" name="status" value={c.status === 'active' ? 'suspended' : 'active'} />
                    <button type="submit" aria-label={`${c.status === 'active' ? 'Suspend' : 'Reactivate'} ${c.name}`} className={c.status === 'active' ? 'rounded-md border border-red-300 px-3 py-1.5 font-medium text-red-800 hover:bg-red-50' : 'rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100'}>
                      {c.status === 'active' ? 'Suspend' : 'Reactivate'}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-sm text-slate-600">SMS: counted when the provider accepts a message (sign-in codes included), this calendar month in UTC. Cost is an estimate at {formatUsdPrice(price)} a segment (SMS_PRICE_PER_SEGMENT_MICRO_USD).</p>
      <section aria-labelledby="new-clinic" className="mt-8 rounded-xl border border-slate-200 bg-white p-5">
        <h2 id="new-clinic" className="text-lg font-semibold">Create a clinic</h2>
        <p className="mt-1 text-sm text-slate-600">The first admin receives an invitation to set a password and an authenticator, then configures the clinic in its CRM.</p>
        <div className="mt-4">
          <CreateClinicForm action={createClinicAction} rootDomain={platformRootDomain()} />
        </div>
      </section>
    </ConsoleFrame>
  );
}
