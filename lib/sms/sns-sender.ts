import 'server-only';
import type { MessageAttributeValue, SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import { SmsDeliveryError, type SmsMessage, type SmsSender } from './types';

export interface SnsSenderOptions {
  /** Default: AWS_REGION, else us-east-1. */
  region?: string;
  /** Default: SNS_ENDPOINT (a local server in tests), else AWS's endpoint for the region. */
  endpoint?: string;
  /** Default: the SDK's credential chain (env, shared config, IAM role). */
  credentials?: SNSClientConfig['credentials'];
  /** Whole-request deadline. Default 10 s. */
  timeoutMs?: number;
  /** Alphanumeric sender shown on the phone where carriers allow it. Default: SNS_SENDER_ID. */
  senderId?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;
// The AWS SDK is loaded at the first text, not with this module: every page whose actions can
// text (the sign-in pages first) imports the providers, and a cold start should not pay for it.
const sdk = () => import('@aws-sdk/client-sns');
const DEFAULT_TIMEOUT_MS = 10_000;

/** SMS through AWS SNS (direct publish to a phone number, transactional route). */
export class SnsSmsSender implements SmsSender {
  readonly name = 'sns' as const;
  private readonly clientConfig: SNSClientConfig;
  private client: SNSClient | undefined;
  private readonly timeoutMs: number;
  private readonly senderId: string | undefined;

  constructor(options: SnsSenderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.senderId = options.senderId ?? (process.env.SNS_SENDER_ID || undefined);
    this.clientConfig = {
      region: options.region ?? (process.env.AWS_REGION || 'us-east-1'),
      endpoint: options.endpoint ?? (process.env.SNS_ENDPOINT || undefined),
      credentials: options.credentials,
      // One attempt: SNS has no idempotency for SMS, so an SDK retry after a timeout can text
      // the code twice, and three attempts would triple the wait at sign-in. The caller (the
      // message outbox) decides about retries from SmsDeliveryError.retryable.
      maxAttempts: 1,
    };
  }

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    if (!E164.test(message.to)) {
      throw new SmsDeliveryError('SNS: recipient is not an E.164 phone number', { retryable: false });
    }
    const attributes: Record<string, MessageAttributeValue> = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
    };
    if (this.senderId) {
      attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: this.senderId };
    }
    const { PublishCommand, SNSClient, SNSServiceException } = await sdk();
    this.client ??= new SNSClient(this.clientConfig);
    const client = this.client;
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      const result = await client.send(
        new PublishCommand({ PhoneNumber: message.to, Message: message.body, MessageAttributes: attributes }),
        { abortSignal: deadline },
      );
      if (!result.MessageId) throw new SmsDeliveryError('SNS: response had no MessageId', { retryable: true });
      return { providerMessageId: result.MessageId };
    } catch (error) {
      throw toDeliveryError(error, deadline.aborted, this.timeoutMs, SNSServiceException);
    }
  }
}

/** Keeps the error code and status only: SNS messages can quote the phone number. */
function toDeliveryError(
  error: unknown, timedOut: boolean, timeoutMs: number, SNSServiceException: Awaited<ReturnType<typeof sdk>>['SNSServiceException'],
): SmsDeliveryError {
  if (error instanceof SmsDeliveryError) return error;
  if (timedOut) return new SmsDeliveryError(`SNS: no answer within ${timeoutMs} ms`, { retryable: false, outcomeUnknown: true });
  if (error instanceof SNSServiceException) {
    const status = error.$metadata.httpStatusCode;
    const retryable =
      error.$fault === 'server' || Boolean(error.$retryable) || status === 429 || /thrott/i.test(error.name);
    return new SmsDeliveryError(`SNS: ${error.name} (HTTP ${status ?? 'n/a'})`, { retryable });
  }
  // Network failures and unparseable answers: SNS may have published before the answer was
  // lost, so the text may have gone out.
  const kind = error instanceof Error ? error.name : 'unknown error';
  return new SmsDeliveryError(`SNS: request failed (${kind})`, { retryable: false, outcomeUnknown: true });
}
