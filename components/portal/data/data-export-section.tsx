import type { FormAction } from '@/lib/actions/result';
import type { DataExportView } from '@/lib/data-export/requests';
import { formatBytes } from '@/lib/documents/file-rules';
import { formatters, translator, type Locale } from '@/lib/i18n/core';
import { dataExport } from '@/lib/i18n/messages/data-export';
import { RequestExportButton } from './request-export-button';

/**
 * "Export my data" on My data (issue 19): the status of the person's latest export, the one
 * download (a plain POST form to the download route: no JavaScript needed, and a link that is
 * merely followed cannot spend it), and the request button once nothing is open.
 */
export function DataExportSection({
  status, locale, timeZone, patientName, isSelf, action, notice,
}: {
  status: DataExportView;
  locale: Locale;
  timeZone: string;
  patientName: string;
  isSelf: boolean;
  action: FormAction;
  /** A refusal sent back by the download route, already in the person's words. */
  notice?: string;
}) {
  const t = translator(dataExport, locale);
  const fmt = formatters(locale);
  const canRequest = status.state === 'none' || status.state === 'downloaded' || status.state === 'expired' || status.state === 'failed';
  return (
    <section id="export" aria-labelledby="export-heading" className="space-y-4 rounded-xl border border-line bg-surface p-4 sm:p-6" data-testid="data-export">
      <h2 id="export-heading" className="text-lg font-semibold">{t('heading')}</h2>
      <p className="text-fg-muted">{isSelf ? t('introSelf') : t('introOther', { name: patientName })}</p>
      {notice ? (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">{notice}</p>
      ) : null}
      <div role="status" className="space-y-1" data-testid="data-export-status" data-state={status.state}>
        {status.state === 'none' ? <p>{t('stateNone')}</p> : null}
        {status.state === 'preparing' ? <p>{t('statePreparing', { date: fmt.dateTime(status.requestedAt, timeZone) })}</p> : null}
        {status.state === 'ready' ? (
          <>
            <p className="font-medium">{t('stateReady', { date: fmt.dateTime(status.expiresAt, timeZone) })}</p>
            <p className="text-sm text-fg-muted">{t('stateReadySize', { size: formatBytes(status.sizeBytes) })}</p>
          </>
        ) : null}
        {status.state === 'downloaded' ? <p>{t('stateDownloaded', { date: fmt.dateTime(status.downloadedAt, timeZone) })}</p> : null}
        {status.state === 'expired' ? <p>{t('stateExpired')}</p> : null}
        {status.state === 'failed' ? <p>{t('stateFailed')}</p> : null}
      </div>
      {status.state === 'ready' ? (
        <form method="post" action={`/api/portal/exports/${status.id}/download`} className="space-y-2">
          <button
            type="submit"
            data-testid="data-export-download"
            className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md hover:ring-2 hover:ring-brand/30 sm:w-auto"
          >
            {t('download')}
          </button>
          <p className="text-sm text-fg-muted">{t('downloadHint')}</p>
        </form>
      ) : null}
      {canRequest ? (
        <RequestExportButton action={action} label={status.state === 'none' ? t('request') : t('again')} pendingLabel={t('requesting')} />
      ) : null}
    </section>
  );
}
