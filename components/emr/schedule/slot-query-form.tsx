/** The GET form that picks where, with whom and which day to look for free times. */
export function SlotQueryForm({ action, hidden, locations, providers, values }: {
  action: string;
  hidden: Record<string, string>;
  locations: { id: string; name: string }[];
  providers: { id: string; name: string }[];
  values: { location: string; provider: string; day: string };
}) {
  const control = 'mt-1 block min-h-11 w-full rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent';
  return (
    <form action={action} className="grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-4">
      {Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <div>
        <label htmlFor="slot-location" className="block text-sm font-medium">Location</label>
        <select id="slot-location" name="location" defaultValue={values.location} className={control}>
          {locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="slot-provider" className="block text-sm font-medium">Provider</label>
        <select id="slot-provider" name="provider" defaultValue={values.provider} className={control}>
          <option value="any">Any provider</option>
          {providers.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="slot-day" className="block text-sm font-medium">Day</label>
        <input id="slot-day" type="date" name="day" defaultValue={values.day} className={control} />
      </div>
      <button type="submit" className="min-h-11 rounded-lg border border-line bg-surface px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
        Show free times
      </button>
    </form>
  );
}
