import 'server-only';
import { ConfigurationError, isProduction } from '@/lib/config/env';
import { messagingProvider, type MessagingChannel } from '@/lib/config/environment';
import { OutboxEmailSender } from '@/lib/email/outbox-sender';
import { ResendEmailSender } from '@/lib/email/resend-sender';
import type { EmailSender } from '@/lib/email/types';
import { OutboxSmsSender } from '@/lib/sms/outbox-sender';
import { SnsSmsSender } from '@/lib/sms/sns-sender';
import type { SmsSender } from '@/lib/sms/types';

/**
 * Builds the SMS and email senders from SMS_PROVIDER (sns|outbox) and EMAIL_PROVIDER
 * (resend|outbox), by the rules in lib/config/environment.ts (the one environment schema).
 */

export type SmsProviderName = SmsSender['name'];
export type EmailProviderName = EmailSender['name'];

function chooseProvider<T extends string>(channel: MessagingChannel): T {
  const choice = messagingProvider(process.env, channel, isProduction);
  if ('problem' in choice) throw new ConfigurationError(choice.problem);
  return choice.name as T;
}

export function smsProviderName(): SmsProviderName {
  return chooseProvider<SmsProviderName>('SMS_PROVIDER');
}

export function emailProviderName(): EmailProviderName {
  return chooseProvider<EmailProviderName>('EMAIL_PROVIDER');
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
