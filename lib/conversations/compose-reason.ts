import type { StartRefusalReason } from '@/lib/conversations/policy';
import { MAX_FILES_PER_MESSAGE } from '@/lib/conversations/types';
import type { Translate } from '@/lib/i18n/core';
import type { inbox } from '@/lib/i18n/messages/inbox';
import { formatPhoneForDisplay } from '@/lib/phone/format';

type T = Translate<(typeof inbox)['en']>;

/** The sentence shown in place of "New message", per the clinic's policy. */
export function composeBlockedText(t: T, reason: StartRefusalReason | string | undefined, phone: string | null): string {
  switch (reason) {
    case 'reply_only':
      return t('composeReplyOnly');
    case 'never_initiate':
      return phone ? t('composeNeverInitiate', { phone: formatPhoneForDisplay(phone) }) : t('composeNeverInitiateNoPhone');
    case 'no_assigned_staff':
      return t('composeNoAssignedStaff');
    default:
      return t('errorPolicy');
  }
}

/** Which file check the lib refused, in words; the lib names the check in `reason`. */
export function fileRefusalText(t: T, reason: string | undefined, maxTotal: string): string {
  const r = reason ?? '';
  if (/type|unsupported|unknown/.test(r)) return t('errorFileTypeGeneric');
  if (/large|size|big/.test(r)) return t('errorFileTooLargeGeneric', { max: maxTotal });
  if (/many|count/.test(r)) return t('errorTooManyFiles', { max: MAX_FILES_PER_MESSAGE });
  if (/empty/.test(r)) return t('errorFileEmptyGeneric');
  return t('errorFileGeneric');
}
