import 'server-only';
/** One text message. `to` is E.164 (+15555550101); the body may hold a one-time code. */
export interface SmsMessage {
  to: string;
  body: string;
  /** Stable per logical message, so a retried delivery can be recognised. */
  idempotencyKey?: string;
}

/** Sends one SMS, or throws SmsDeliveryError. */
export interface SmsSender {
  readonly name: 'sns' | 'outbox';
  send(message: SmsMessage): Promise<{ providerMessageId: string }>;
}

/**
 * Any provider failure or timeout. The message is for logs only and must never contain the
 * phone number or the body (bodies carry sign-in codes), so provider error texts, which can
 * echo the number, are not copied into it. Users see a generic message instead.
 */
export class SmsDeliveryError extends Error {
  readonly retryable: boolean;
  /**
   * The request may have reached the provider (no answer, connection lost): the text may have
   * gone out, and SMS has no provider-side idempotency, so it must not be sent again.
   */
  readonly outcomeUnknown: boolean;

  constructor(message: string, options: { retryable: boolean; outcomeUnknown?: boolean }) {
    super(message);
    this.name = 'SmsDeliveryError';
    this.retryable = options.retryable;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}
