import Link from 'next/link';
import type { OperatorContext } from '@/lib/access/context';
import type { PlainFormAction } from '@/lib/actions/result';

/** The console's header and main area; the page hands it the sign-out action. */
export function ConsoleFrame({ operator, signOut, children }: { operator: OperatorContext; signOut: PlainFormAction; children: React.ReactNode }) {
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <nav aria-label="Console" className="flex items-center gap-4 text-sm font-medium">
            <span className="font-semibold">Carebridge console</span>
            <Link href="/console" className="text-slate-700 underline-offset-2 hover:underline">Clinics</Link>
            <Link href="/console/health" className="text-slate-700 underline-offset-2 hover:underline">System health</Link>
            <Link href="/console/account" className="text-slate-700 underline-offset-2 hover:underline">Your account</Link>
          </nav>
          <form action={signOut} className="flex items-center gap-3 text-sm">
            <span>{operator.actor.fullName}</span>
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100">Sign out</button>
          </form>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
