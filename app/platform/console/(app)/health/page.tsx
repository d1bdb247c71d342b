import type { Metadata } from 'next';
import { ConsoleFrame } from '@/components/console/console-frame';
import { getDb } from '@/db/client';
import { requireOperator } from '@/lib/auth/operator-session';
import { systemHealth } from '@/lib/platform/health';
import { operatorSignOutAction } from '../../actions';

export const metadata: Metadata = { title: 'System health · Carebridge console' };
export const dynamic = 'force-dynamic';

export default async function ConsoleHealth() {
  const operator = await requireOperator();
  const health = await systemHealth(getDb());
  const rows: [string, string, boolean][] = [
    ['Database', health.database.ok ? `answering in ${health.database.latencyMs} ms` : 'not answering', health.database.ok],
    ['File storage', `${health.storage.kind}${health.storage.ok ? ', answering' : ', not answering'}`, health.storage.ok],
    ['SMS provider', health.sms.provider, health.sms.provider !== 'misconfigured'],
    ['Email provider', health.email.provider, health.email.provider !== 'misconfigured'],
    ['Outbox backlog', `${health.outbox.pending} waiting${health.outbox.oldestPendingMinutes != null ? `, oldest ${health.outbox.oldestPendingMinutes} min` : ''}`, health.outbox.pending < 100],
    ['Undeliverable messages', String(health.outbox.dead), health.outbox.dead === 0],
  ];
  return (
    <ConsoleFrame operator={operator} signOut={operatorSignOutAction}>
      <h1 className="text-2xl font-semibold">System health</h1>
      <dl className="mt-4 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
        {rows.map(([label, value, ok]) => (
          <div key={label} className="flex items-center justify-between gap-4 px-4 py-3">
            <dt className="font-medium">{label}</dt>
            <dd className="flex items-center gap-2 text-sm">
              <span aria-hidden className={ok ? 'h-2.5 w-2.5 rounded-full bg-emerald-600' : 'h-2.5 w-2.5 rounded-full bg-red-600'} />
              <span>{value}</span>
              <span className="sr-only">{ok ? '(healthy)' : '(needs attention)'}</span>
            </dd>
          </div>
        ))}
      </dl>
    </ConsoleFrame>
  );
}
