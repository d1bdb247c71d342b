import { ConfigurationError, isProduction } from '@/lib/config/env';
import { OutboxEmailSender } from '@/lib/email/outbox-sender';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import type { EmailSender } from '@/lib/email/types';
import { OutboxSmsSender } from '@/lib/sms/outbox-sender';
import { SnsSmsSender } from '@/lib/sms/sns-sender';
import type { SmsSender } from '@/lib/sms/types';

/**
 * Chooses the SMS and email providers from SMS_PROVIDER (sns|outbox) and EMAIL_PROVIDER
 * (resend|outbox). Outside production both default to the outbox, so `npm run dev` needs no
 * configuration. Production must name real providers: the outbox page is unreachable there, so
 * outbox messages (sign-in codes) would vanish without an error.
 */

export type SmsProviderName = SmsSender['name'];
export type EmailProviderName = EmailSender['name'];

const SMS_PROVIDERS: readonly SmsProviderName[] = ['sns', 'outbox'];
const EMAIL_PROVIDERS: readonly EmailProviderName[] = ['resend', 'outbox'];

function chooseProvider<T extends string>(variable: string, allowed: readonly T[], real: T): T {
  const raw = process.env[variable]?.trim();
  if (!raw) {
    if (isProduction) throw new ConfigurationError(`${variable} must be set to ${real} in production. See .env.example.`);
    return 'outbox' as T;
  }
  if (!allowed.includes(raw as T)) {
    throw new ConfigurationError(`${variable}=${raw} is not supported; use one of: ${allowed.join(', ')}.`);
  }
  if (raw === 'outbox' && isProduction) {
    throw new ConfigurationError(`${variable}=outbox is for development only; use ${real} in production.`);
  }
  return raw as T;
}

export function smsProviderName(): SmsProviderName {
  return chooseProvider('SMS_PROVIDER', SMS_PROVIDERS, 'sns');
}

export function emailProviderName(): EmailProviderName {
  const name = chooseProvider('EMAIL_PROVIDER', EMAIL_PROVIDERS, 'resend');
  if (name === 'resend') {
    const missing = ['RESEND_API_KEY', 'EMAIL_FROM'].filter((v) => !process.env[v]?.trim());
    if (missing.length > 0) {
      throw new ConfigurationError(`EMAIL_PROVIDER=resend needs ${missing.join(' and ')}. See .env.example.`);
    }
  }
  return name;
}

// SNS reads its region, endpoint and credentials from the environment itself, so it needs no
// required variables here; a wrong credential shows up as SmsDeliveryError on the first send.

let smsSender: SmsSender | undefined;
let emailSender: EmailSender | undefined;

/** The process's SMS sender. Throws ConfigurationError when the environment is incomplete. */
export function getSmsSender(): SmsSender {
  smsSender ??= smsProviderName() === 'sns' ? new SnsSmsSender() : new OutboxSmsSender();
  return smsSender;
}

/** The process's email sender. Throws ConfigurationError when the environment is incomplete. */
export function getEmailSender(): EmailSender {
  emailSender ??=
    emailProviderName() === 'resend'
      ? new ResendEmailSender({ apiKey: process.env.RESEND_API_KEY!.trim(), from: process.env.EMAIL_FROM!.trim() })
      : new OutboxEmailSender();
  return emailSender;
}

/** Called at server start (instrumentation.ts): a misconfigured deployment fails there, not at the first sign-in. */
export function assertMessagingConfigured(): void {
  smsProviderName();
  emailProviderName();
}

/** True when either channel writes to the dev outbox (what /dev/outbox shows). */
export function outboxActive(): boolean {
  return smsProviderName() === 'outbox' || emailProviderName() === 'outbox';
}

/** Forgets the memoised senders, so a test can change the environment between cases. */
export function resetMessagingProvidersForTests(): void {
  smsSender = undefined;
  emailSender = undefined;
}
