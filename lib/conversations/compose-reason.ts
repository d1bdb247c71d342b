import 'server-only';
import type { Translate } from '@/lib/i18n/core';
import type { inbox } from '@/lib/i18n/messages/inbox';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { attachmentsHintVars, type InboxFormState } from './attachment-rules';
import type { StartRefusalReason } from './policy';
import { MAX_BODY_CHARS, MAX_FILES_PER_MESSAGE, MAX_SUBJECT_CHARS, type Refusal } from './types';

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

/**
 * A refusal of the conversations lib (lib/conversations/portal.ts) as the compose or reply form
 * shows it; `clinicPhone` is named when the clinic's policy sends the patient to the phone.
 */
export function inboxRefusal(t: T, refusal: Refusal, clinicPhone: string | null): InboxFormState {
  const field = refusal.field === 'subject' ? 'subject' : 'body';
  switch (refusal.error) {
    case 'empty': {
      const message = t(field === 'subject' ? 'errorEmptySubject' : 'errorEmptyBody');
      return { ok: false, message, fieldErrors: { [field]: message } };
    }
    case 'invalid': {
      const message = t('errorControlCharacters');
      return { ok: false, message, fieldErrors: { [field]: message } };
    }
    case 'too-long': {
      const message = field === 'subject' ? t('errorSubjectTooLong', { max: MAX_SUBJECT_CHARS }) : t('errorBodyTooLongGeneric', { max: MAX_BODY_CHARS });
      return { ok: false, message, fieldErrors: { [field]: message } };
    }
    case 'file': {
      const message = fileRefusalText(t, refusal.reason, String(attachmentsHintVars().size));
      return { ok: false, message, fieldErrors: { files: message } };
    }
    case 'closed':
      return { ok: false, message: t('errorClosed') };
    case 'policy': {
      const reason = refusal.reason;
      const known = reason === 'reply_only' || reason === 'never_initiate' || reason === 'no_assigned_staff';
      return { ok: false, message: known ? composeBlockedText(t, reason, clinicPhone) : t('errorPolicy') };
    }
    default:
      return { ok: false, message: t('errorGeneric') };
  }
}
