import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { OperatorSignInForm } from '@/components/console/console-forms';
import { getOperatorSession } from '@/lib/auth/operator-session';
import { operatorSignInAction } from '../actions';

export const metadata: Metadata = { title: 'Console sign-in · Carebridge' };

export default async function ConsoleSignIn() {
  if (await getOperatorSession()) redirect('/console');
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center px-4 py-10">
      <p className="text-sm font-semibold uppercase tracking-wider text-slate-600">Carebridge</p>
      <section aria-labelledby="console-sign-in" className="mt-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 id="console-sign-in" className="text-xl font-semibold text-slate-900">Platform console</h1>
        <p className="mt-1 text-sm text-slate-600">For Carebridge operators. Clinic staff sign in at their clinic’s address.</p>
        <OperatorSignInForm action={operatorSignInAction} />
      </section>
    </main>
  );
}
