import { createSign, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSelfSignedCertificate, type TestCertificate } from './self-signed-certificate';

/**
 * SNS as the inbound-SMS webhook meets it, on loopback: a signing certificate (self-signed,
 * made in the test) served at a SimpleNotificationService-….pem path, the ConfirmSubscription
 * link, and messages signed the way AWS documents it. The app reaches this server only through
 * setSnsOriginForTests (lib/sms/sns-endpoint.ts), after every check on the AWS URL has passed,
 * so `requests` shows whether a message made the app fetch anything at all.
 *
 * The string to sign is written out here from AWS's documentation, not taken from the code under
 * test, so a wrong field order there fails these tests.
 */

export const SNS_REGION = 'us-east-1';
export const SNS_HOST = `sns.${SNS_REGION}.amazonaws.com`;

export type SnsType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
export type SnsFields = Record<string, string>;

export class SnsStandIn {
  readonly certificate: TestCertificate = createSelfSignedCertificate();
  readonly certificateName = `SimpleNotificationService-${randomBytes(16).toString('hex')}.pem`;
  /** Path and query of every request the app made. */
  readonly requests: string[] = [];
  /** What the certificate path answers: 200 with the PEM, or a failure. */
  certificateStatus = 200;
  private server: Server | undefined;
  origin = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      this.requests.push(url);
      if (url === `/${this.certificateName}`) {
        res.writeHead(this.certificateStatus, { 'content-type': 'text/plain' });
        res.end(this.certificateStatus === 200 ? this.certificate.pem : 'Service Unavailable');
        return;
      }
      if (url.startsWith('/?Action=ConfirmSubscription')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>arn</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>');
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  get certificateUrl(): string {
    return `https://${SNS_HOST}/${this.certificateName}`;
  }

  /**
   * A delivery as SNS posts it: the fields, SignatureVersion, the signature over AWS's string to
   * sign, and SigningCertURL (this stand-in's certificate unless `overrides` say otherwise).
   */
  deliver(type: SnsType, fields: SnsFields, options: { version?: '1' | '2'; key?: KeyObject; overrides?: SnsFields } = {}): string {
    const version = options.version ?? '2';
    const all: SnsFields = { Type: type, MessageId: crypto.randomUUID(), Timestamp: new Date().toISOString(), ...fields };
    const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
      .update(awsStringToSign(type, all), 'utf8')
      .sign(options.key ?? this.certificate.privateKey, 'base64');
    return JSON.stringify({ ...all, SignatureVersion: version, Signature: signature, SigningCertURL: this.certificateUrl, ...options.overrides });
  }
}

/**
 * AWS: "Verifying the signatures of Amazon SNS messages". Notification: Message, MessageId,
 * Subject (if present), Timestamp, TopicArn, Type. SubscriptionConfirmation and
 * UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type.
 * Each as the name, a newline, the value, a newline.
 */
function awsStringToSign(type: SnsType, f: SnsFields): string {
  const names = type === 'Notification'
    ? ['Message', 'MessageId', ...(f.Subject === undefined ? [] : ['Subject']), 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return names.map((name) => `${name}\n${f[name]}\n`).join('');
}

/** End User Messaging's JSON for a text from `from` to the platform's number. */
export function inboundSmsMessage(from: string, body: string): string {
  return JSON.stringify({
    originationNumber: from, destinationNumber: '+18885550100', messageKeyword: 'KEYWORD_123456789012',
    messageBody: body, inboundMessageId: crypto.randomUUID(), previousPublishedMessageId: randomBytes(12).toString('hex'),
  });
}
