import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { OperatorEnrolForm } from '@/components/console/operator-enrol-form';
import { getDb } from '@/db/client';
import { totpQrSvg, totpUri } from '@/lib/identity/totp';
import { openOperatorEnrolment } from '@/lib/platform/operator-enrolment';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';
import { enrolOperatorAction } from './actions';

export const metadata: Metadata = { title: 'Operator enrolment · Carebridge', referrer: 'no-referrer' };

/**
 * Where `npm run platform:create-operator`'s link leads: the new operator scans the authenticator
 * secret (made here, kept with the link until it is used) and chooses a password. The link is
 * the credential, so the page says nothing about a link that cannot be used.
 */
export default async function OperatorEnrolPage({ params }: { params: Promise<{ token: string }> }) {
  // Middleware routes only the root host here, but pages do not rely on middleware.
  if ((await resolveTenantByHost((await headers()).get('host'))).kind !== 'root') notFound();
  const { token } = await params;
  const enrolment = await openOperatorEnrolment(getDb(), token);
  const qrSvg = enrolment ? await totpQrSvg(totpUri({ secret: enrolment.totpSecret, accountName: enrolment.email, issuer: 'Carebridge console' })) : null;
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center px-4 py-10">
      <p className="text-sm font-semibold uppercase tracking-wider text-slate-600">Carebridge</p>
      <section aria-labelledby="enrol-title" className="mt-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        {enrolment && qrSvg ? (
          <>
            <h1 id="enrol-title" className="text-xl font-semibold text-slate-900">Welcome, {enrolment.fullName}</h1>
            <p className="mt-1 text-sm text-slate-600">
              Set up the platform console for <strong>{enrolment.email}</strong>: add this key to an authenticator app, then choose a password and enter the app’s code.
            </p>
            <div role="img" aria-label="QR code for your authenticator app" className="mx-auto mt-4 w-48 rounded-lg bg-white p-2" dangerouslySetInnerHTML={{ __html: qrSvg }} />
            <p className="mt-2 text-sm">
              Can’t scan? Enter this key: <code className="break-all rounded bg-slate-100 px-1 font-mono">{enrolment.totpSecret}</code>
            </p>
            <OperatorEnrolForm action={enrolOperatorAction} token={token} />
          </>
        ) : (
          <>
            <h1 id="enrol-title" className="text-xl font-semibold text-slate-900">This link can’t be used</h1>
            <p className="mt-2 text-sm text-slate-600">
              Enrolment links work once, for one hour. Ask whoever runs this deployment for a new one
              (<code className="font-mono">npm run platform:create-operator</code>), or sign in if you have finished already.
            </p>
            <a href="/console/sign-in" className="mt-4 inline-block font-medium text-slate-900 underline underline-offset-2">Go to sign-in</a>
          </>
        )}
      </section>
    </main>
  );
}
