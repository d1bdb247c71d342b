import type { Metadata } from 'next';
import { ConsoleFrame } from '@/components/console/console-frame';
import { PasskeyManager } from '@/components/passkeys/passkey-manager';
import { requireOperator } from '@/lib/auth/operator-session';
import { passkeys } from '@/lib/i18n/messages/passkeys';
import { passkeyRows } from '@/lib/identity/passkeys/account-answers';
import { requestRelyingParty } from '@/lib/identity/passkeys/relying-party';
import { operatorSignOutAction } from '../../actions';
import { addPasskeyAction, passkeyOptionsAction, removePasskeyAction, renamePasskeyAction } from './actions';

export const metadata: Metadata = { title: 'Your account · Carebridge console' };
export const dynamic = 'force-dynamic';

/** /console/account: the signed-in operator and their passkeys (made on the root host). */
export default async function ConsoleAccount() {
  const operator = await requireOperator();
  const [rows, rp] = await Promise.all([passkeyRows(operator, 'UTC'), requestRelyingParty('Carebridge console')]);
  return (
    <ConsoleFrame operator={operator} signOut={operatorSignOutAction}>
      <h1 className="text-2xl font-semibold">Your account</h1>
      <p className="mt-1 text-slate-600">{operator.actor.fullName} · {operator.actor.email}</p>
      <section aria-labelledby="passkeys-heading" className="mt-6 max-w-2xl rounded-xl border border-slate-200 bg-white p-4 sm:p-6">
        <h2 id="passkeys-heading" className="text-lg font-semibold">Passkeys</h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">
          After your password, a passkey (your fingerprint, face, device PIN or a security key) can replace the code from your
          authenticator app. It works only on this console’s address{rp ? <> ({rp.id})</> : null}. Times are in UTC.
        </p>
        <PasskeyManager
          rows={rows}
          currentHost={rp?.id ?? ''}
          canAdd={rp !== null}
          messages={passkeys.en}
          actions={{ options: passkeyOptionsAction, add: addPasskeyAction, rename: renamePasskeyAction, remove: removePasskeyAction }}
        />
      </section>
    </ConsoleFrame>
  );
}
