import 'server-only';
import type { Resend } from 'resend';
import { clinicFromHeader } from './render-from';
import { EmailDeliveryError, isSafeHeader, type EmailMessage, type EmailSender } from './types';

export interface ResendSenderOptions {
  apiKey: string;
  /** "Carebridge <no-reply@example.com>" */
  from: string;
  /** Default: RESEND_BASE_URL (read by the resend package), else https://api.resend.com. */
  baseUrl?: string;
  /** Whole-request deadline. Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
// The Resend SDK is loaded at the first email, not with this module: pages that can send mail
// import the providers, and a cold start should not pay for the SDK.
const sdk = () => import('resend');

/** Email through Resend's HTTP API. */
export class ResendEmailSender implements EmailSender {
  readonly name = 'resend' as const;
  private readonly apiKey: string;
  private readonly baseUrl: string | undefined;
  private client: Resend | undefined;
  private readonly from: string;
  private readonly timeoutMs: number;

  constructor(options: ResendSenderOptions) {
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl;
    this.from = options.from;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    const headers = message.headers && Object.keys(message.headers).length ? message.headers : undefined;
    if (headers && !Object.entries(headers).every(([name, value]) => isSafeHeader(name, value))) {
      // A programming error, not the provider's: retrying would fail the same way.
      throw new EmailDeliveryError('Resend: refused an unsafe header before sending', { retryable: false });
    }
    if (!this.client) {
      const { Resend } = await sdk();
      this.client ??= new Resend(this.apiKey, this.baseUrl ? { baseUrl: this.baseUrl } : undefined);
    }
    const client = this.client;
    const deadline = AbortSignal.timeout(this.timeoutMs);
    // The resend package reports failures (including network errors and aborts) as `error`
    // rather than throwing; the try only guards against that changing.
    let result: Awaited<ReturnType<Resend['emails']['send']>>;
    try {
      result = await client.emails.send(
        {
          from: message.fromName ? clinicFromHeader(this.from, message.fromName) : this.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          attachments: message.attachments,
          headers,
        },
        // Resend keeps the key for 24 hours and answers a repeat with the first email's id.
        { idempotencyKey: message.idempotencyKey, signal: deadline },
      );
    } catch {
      result = { data: null, error: { name: 'application_error', statusCode: null, message: '' }, headers: null };
    }
    if (deadline.aborted) {
      throw new EmailDeliveryError(`Resend: no answer within ${this.timeoutMs} ms`, { retryable: true });
    }
    if (result.error || !result.data?.id) {
      const status = result.error?.statusCode ?? null;
      const name = result.error?.name ?? 'missing_id';
      // The provider's message text can quote the address, so only its code and status are kept.
      throw new EmailDeliveryError(`Resend: ${name} (HTTP ${status ?? 'n/a'})`, { retryable: isRetryable(status, name) });
    }
    return { providerMessageId: result.data.id };
  }
}

function isRetryable(status: number | null, name: string): boolean {
  if (status === null || status === 429 || status >= 500) return true;
  // Another request with the same key is still in flight: try again shortly.
  return name === 'concurrent_idempotent_requests';
}
