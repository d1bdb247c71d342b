import 'server-only';
export interface EmailAttachment {
  filename: string;
  /** Base64. */
  content: string;
  contentType?: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The clinic's name, shown as the sender (the address stays the deployment's EMAIL_FROM). */
  fromName?: string;
  attachments?: EmailAttachment[];
  /** Stable per logical message: the provider sends a retried request only once. */
  idempotencyKey?: string;
  /**
   * Extra message headers, by name (`List-Unsubscribe`, `List-Unsubscribe-Post` on marketing).
   * Values are ASCII without line breaks: the senders refuse anything else rather than let a
   * value add a header of its own.
   */
  headers?: Record<string, string>;
}

/** Whether a header name and value can be sent as they are (no folding, no injection). */
export function isSafeHeader(name: string, value: string): boolean {
  return /^[A-Za-z0-9-]{1,64}$/.test(name) && /^[\x20-\x7e]{0,998}$/.test(value);
}

/** Sends one email, or throws EmailDeliveryError. */
export interface EmailSender {
  readonly name: 'resend' | 'outbox';
  send(message: EmailMessage): Promise<{ providerMessageId: string }>;
}

/**
 * Any provider failure or timeout. The message is for logs only: it names the provider's error
 * code and status, never the recipient or content. Users see a generic message instead.
 */
export class EmailDeliveryError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean }) {
    super(message);
    this.name = 'EmailDeliveryError';
    this.retryable = options.retryable;
  }
}
