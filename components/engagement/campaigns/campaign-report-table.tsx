import type { CampaignReport } from '@/lib/engagement/campaigns/report';

/**
 * A campaign's report (issue 18 point 8) as a plain table: one row a count, the reasons patients
 * were left out indented under their total. Counts only, never who. Opens and clicks are what the
 * email provider reported, so the table says they may be missing; a text message has none.
 */

const th = 'py-2 pr-3 text-left font-normal';
const td = 'py-2 text-right font-semibold tabular-nums';

interface Row {
  label: string;
  count: number;
  /** A reason under the row above it. */
  sub?: boolean;
  /** What the number means, under its label. */
  note?: string;
}

export function CampaignReportTable({ report, channel }: { report: CampaignReport; channel: 'email' | 'sms' }) {
  const email = channel === 'email';
  const rows: Row[] = [
    { label: 'Patients in the segment', count: report.recipients, note: 'When the campaign went out.' },
    { label: 'Left out', count: report.excluded.total },
    { label: 'No marketing consent', count: report.excluded.noConsent, sub: true, note: `They have not said yes to marketing ${email ? 'by email' : 'by text message'}.` },
    { label: 'On the suppression list', count: report.excluded.suppressed, sub: true, note: email ? 'Unsubscribed, bounced or marked as spam.' : 'Replied STOP.' },
    { label: email ? 'No email address' : 'No mobile number', count: report.excluded.noAddress, sub: true },
    { label: 'Waiting for their turn', count: report.waiting, note: 'Not yet handed over (the pace, quiet hours, or stopped).' },
    { label: 'Handed over, not yet sent', count: report.handedOver },
    { label: 'Sent', count: report.sent },
    { label: 'Delivered', count: report.delivered, note: email ? 'As the email provider reported.' : undefined },
    { label: 'Failed', count: report.failed },
    { label: 'Held back at send time', count: report.heldAtSend, note: 'Consent withdrawn or the address suppressed after the campaign started.' },
    { label: 'Unsubscribed', count: report.unsubscribed, note: email ? 'With this email’s link.' : undefined },
    ...(email ? [{ label: 'Opened', count: report.opened }, { label: 'Clicked a link', count: report.clicked }] : []),
  ];
  return (
    <div>
      <table className="w-full max-w-xl text-sm">
        <caption className="sr-only">Campaign report: patients by what happened, counts only</caption>
        <thead className="border-b border-line text-fg-muted">
          <tr>
            <th scope="col" className="py-2 pr-3 text-left font-medium">What happened</th>
            <th scope="col" className="py-2 text-right font-medium">Patients</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row" className={row.sub ? `${th} pl-6` : th}>
                <span className={row.sub ? undefined : 'font-medium'}>{row.label}</span>
                {row.note ? <span className="block text-xs text-fg-muted">{row.note}</span> : null}
              </th>
              <td className={td}>{row.count.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-sm text-fg-muted">
        {email
          ? 'Opens and clicks come from the email provider when it reports them: many mail apps block the tracking, so they may be missing or lower than the real numbers.'
          : 'Text messages have no opens or clicks.'}
      </p>
    </div>
  );
}
