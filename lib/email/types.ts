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
  attachments?: EmailAttachment[];
  /** Stable per logical message: the provider sends a retried request only once. */
  idempotencyKey?: string;
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
