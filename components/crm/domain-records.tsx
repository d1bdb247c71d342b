import type { DnsRecord } from '@/lib/domains/dns';

/** The DNS records a clinic creates for a custom domain, as its DNS provider asks for them. */
export function DomainRecords({ hostname, records }: { hostname: string; records: DnsRecord[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[32rem] text-left text-sm">
        <caption className="sr-only">DNS records to create for {hostname}</caption>
        <thead className="text-fg-muted">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">Type</th>
            <th scope="col" className="py-1 pr-3 font-medium">Name</th>
            <th scope="col" className="py-1 font-medium">Value</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.type} className="border-t border-line">
              <td className="py-1.5 pr-3 font-mono">{r.type}</td>
              <td className="py-1.5 pr-3 font-mono break-all">{r.name}</td>
              <td className="py-1.5 font-mono break-all">{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
