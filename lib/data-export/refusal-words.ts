import 'server-only';
import type { Translate } from '@/lib/i18n/core';
import type { dataExport } from '@/lib/i18n/messages/data-export';
import type { DataExportRefusal } from './requests';

type T = Translate<typeof dataExport.en>;

const KEYS = {
  'open-export': 'errOpen',
  'rate-limited': 'errRateLimited',
  'already-downloaded': 'errAlreadyDownloaded',
  expired: 'errExpired',
  'not-ready': 'errNotReady',
  failed: 'errFailed',
} as const satisfies Record<DataExportRefusal, keyof typeof dataExport.en>;

export function isDataExportRefusal(value: unknown): value is DataExportRefusal {
  return typeof value === 'string' && Object.hasOwn(KEYS, value);
}

/** A refusal in the person's language (the request's answer, or the download's, shown on My data). */
export function dataExportRefusalMessage(t: T, refusal: DataExportRefusal, retryAfterSeconds = 0): string {
  if (refusal === 'rate-limited') {
    const hours = Math.max(1, Math.ceil(retryAfterSeconds / 3600));
    return t('errRateLimited', { hours: hours === 1 ? t('hoursOne') : t('hoursMany', { count: hours }) });
  }
  return t(KEYS[refusal]);
}
