import Link from 'next/link';
import type { StaffContext } from '@/lib/access/context';
import type { PlainFormAction } from '@/lib/actions/result';

export function StaffAccount({ context, area, signOutAction }: { context: StaffContext; area: 'crm' | 'emr'; signOutAction: PlainFormAction }) {
  return (
    <div className="flex items-center gap-3">
      {/* The person's own page (sign-in and security: passkeys), the same in both areas. */}
      <Link href={`/${area}/account`} className="rounded-md px-2 py-1 text-right text-sm leading-tight hover:bg-surface-muted">
        <span className="hidden sm:block">
          <span className="block font-medium">{context.actor.fullName}</span>
          <span className="block text-fg-muted">{context.actor.accessLevelName}</span>
        </span>
        <span className="font-medium sm:hidden">Account</span>
        <span className="sr-only">: sign-in and security</span>
      </Link>
      <form action={signOutAction}>
        <input type="hidden" name="area" value={area} />
        <button type="submit" className="rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
          Sign out
        </button>
      </form>
    </div>
  );
}
