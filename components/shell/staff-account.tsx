import type { StaffContext } from '@/lib/access/context';
import type { PlainFormAction } from '@/lib/actions/result';

export function StaffAccount({ context, area, signOutAction }: { context: StaffContext; area: 'crm' | 'emr'; signOutAction: PlainFormAction }) {
  return (
    <div className="flex items-center gap-3">
      <span className="hidden text-right text-sm leading-tight sm:block">
        <span className="block font-medium">{context.actor.fullName}</span>
        <span className="block text-fg-muted">{context.actor.accessLevelName}</span>
      </span>
      <form action={signOutAction}>
        <input type="hidden" name="area" value={area} />
        <button type="submit" className="rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
          Sign out
        </button>
      </form>
    </div>
  );
}
