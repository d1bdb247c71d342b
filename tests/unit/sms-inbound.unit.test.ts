import { afterEach, describe, expect, it, vi } from 'vitest';
import { environmentProblems } from '@/lib/config/environment';
import { parseSmsKeyword } from '@/lib/engagement/sms-keywords';
import { readInboundSms } from '@/lib/sms/inbound-sms';
import { snsTopic, snsUrlOf } from '@/lib/sms/sns-endpoint';
import { snsStringToSign } from '@/lib/sms/sns-message';

/**
 * The pure parts of inbound SMS (issue 18, point 7): AWS's opt-out words, where SNS may live for
 * a topic, the string SNS signs, End User Messaging's payload, the variable's format, and the
 * test seam that cannot work in production. The route and real signatures are tested in
 * tests/integration/sms-inbound-webhook.int.test.ts.
 */

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("AWS's opt-out keywords", () => {
  it.each(['OPT-OUT', 'optout', 'Remove', 'ARRET', 'Arrêt', 'td'])('%j stops', (word) => {
    expect(parseSmsKeyword(word)).toBe('stop');
  });

  it.each(['remove my appointment', 'TDs', 'opt out of the reminder please'])('%j is no keyword', (text) => {
    expect(parseSmsKeyword(text)).toBeNull();
  });
});

describe('SNS hosts for a topic', () => {
  const topic = snsTopic('arn:aws:sns:eu-central-1:123456789012:inbound')!;

  it("reads the region and SNS's host from the topic ARN", () => {
    expect(topic).toEqual({ arn: 'arn:aws:sns:eu-central-1:123456789012:inbound', region: 'eu-central-1', host: 'sns.eu-central-1.amazonaws.com' });
    expect(snsTopic('arn:aws-cn:sns:cn-north-1:123456789012:inbound')?.host).toBe('sns.cn-north-1.amazonaws.com.cn');
    expect(snsTopic('arn:aws-us-gov:sns:us-gov-west-1:123456789012:inbound')?.host).toBe('sns.us-gov-west-1.amazonaws.com');
  });

  it.each([
    'arn:aws:sqs:us-east-1:123456789012:inbound', 'arn:aws:sns:us-east-1:12345:inbound', 'arn:aws:sns:evil.test/x:123456789012:inbound',
    'arn:aws:sns:us-east-1:123456789012:', 'arn:aws:sns:us-east-1:123456789012:in bound', ' arn:aws:sns:us-east-1:123456789012:inbound',
  ])('%j is not a topic', (arn) => {
    expect(snsTopic(arn)).toBeNull();
  });

  it('takes only https URLs on exactly that host', () => {
    expect(snsUrlOf(topic, 'https://sns.eu-central-1.amazonaws.com/SimpleNotificationService-abc.pem')?.pathname).toBe('/SimpleNotificationService-abc.pem');
    for (const url of [
      'http://sns.eu-central-1.amazonaws.com/a.pem', 'https://sns.us-east-1.amazonaws.com/a.pem', 'https://SNS.eu-central-1.amazonaws.com.evil.test/a.pem',
      'https://evil.test/sns.eu-central-1.amazonaws.com/a.pem', 'https://sns.eu-central-1.amazonaws.com:444/a.pem', 'https://a:b@sns.eu-central-1.amazonaws.com/a.pem',
      'https://sns.eu-central-1.amazonaws.com/a.pem#x', '//sns.eu-central-1.amazonaws.com/a.pem', 42, null,
    ]) {
      expect(snsUrlOf(topic, url), String(url)).toBeNull();
    }
  });
});

describe("the string SNS signs (AWS's field order)", () => {
  const base = { Message: 'm', MessageId: 'id', Timestamp: 't', TopicArn: 'arn', SignatureVersion: '2', Signature: 's', SigningCertURL: 'u', UnsubscribeURL: 'x' };

  it('Notification: Message, MessageId, Subject if present, Timestamp, TopicArn, Type; nothing else', () => {
    expect(snsStringToSign({ ...base, Type: 'Notification' })).toBe('Message\nm\nMessageId\nid\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n');
    expect(snsStringToSign({ ...base, Type: 'Notification', Subject: 'Hi' })).toBe('Message\nm\nMessageId\nid\nSubject\nHi\nTimestamp\nt\nTopicArn\narn\nType\nNotification\n');
  });

  it('confirmations: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type', () => {
    for (const type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation']) {
      expect(snsStringToSign({ ...base, Type: type, SubscribeURL: 'sub', Token: 'tok' }))
        .toBe(`Message\nm\nMessageId\nid\nSubscribeURL\nsub\nTimestamp\nt\nToken\ntok\nTopicArn\narn\nType\n${type}\n`);
    }
  });

  it('null when a signed field is missing or not text', () => {
    expect(snsStringToSign({ ...base, Type: 'SubscriptionConfirmation', Token: 'tok' })).toBeNull();
    expect(snsStringToSign({ ...base, Type: 'Notification', Subject: null })).toBeNull();
    expect(snsStringToSign({ ...base, Type: 'Notification', Message: { text: 'm' } })).toBeNull();
  });
});

describe("End User Messaging's inbound payload", () => {
  it('keeps the sender, the number, the words and the id', () => {
    const message = JSON.stringify({
      originationNumber: '+14255550182', destinationNumber: '+12125550101', messageKeyword: 'JOIN', messageBody: 'STOP',
      inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84', previousPublishedMessageId: 'wJalrXUtnFEMI',
    });
    expect(readInboundSms(message)).toEqual({ from: '+14255550182', to: '+12125550101', body: 'STOP', inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84' });
  });

  it.each(['STOP', '{}', '[]', JSON.stringify({ originationNumber: '+14255550182' }), JSON.stringify({ originationNumber: 1, messageBody: 'STOP' })])('%j is not an inbound text', (message) => {
    expect(readInboundSms(message)).toBeNull();
  });
});

describe('SMS_INBOUND_TOPIC_ARN', () => {
  it('must be an SNS topic ARN when set', () => {
    expect(environmentProblems({ SMS_INBOUND_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:carebridge-inbound' }, ['messaging'])).toEqual([]);
    expect(environmentProblems({ SMS_INBOUND_TOPIC_ARN: 'https://sns.us-east-1.amazonaws.com/' }, ['messaging'])).toEqual([
      'SMS_INBOUND_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>).',
    ]);
  });
});

describe('the test seam in production', () => {
  const certificateUrl = new URL('https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem');

  it('outside production, sends the checked request to the test origin with the same path', async () => {
    vi.stubEnv('NODE_ENV', 'test');
    const fetch = vi.fn(async () => new Response('pem'));
    vi.stubGlobal('fetch', fetch);
    const { fetchFromSns, setSnsOriginForTests } = await import('@/lib/sms/sns-endpoint');
    setSnsOriginForTests('http://127.0.0.1:9');
    await fetchFromSns(certificateUrl);
    setSnsOriginForTests(undefined);
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe('http://127.0.0.1:9/SimpleNotificationService-abc.pem');
  });

  it('cannot be set in production, and an origin set some other way is ignored', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const fetch = vi.fn(async () => new Response('pem'));
    vi.stubGlobal('fetch', fetch);
    const { fetchFromSns, setSnsOriginForTests } = await import('@/lib/sms/sns-endpoint');
    expect(() => setSnsOriginForTests('http://127.0.0.1:9')).toThrow(/tests only/);
    (globalThis as Record<symbol, unknown>)[Symbol.for('carebridge.sns-origin-for-tests')] = 'http://127.0.0.1:9';
    try {
      await fetchFromSns(certificateUrl);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[Symbol.for('carebridge.sns-origin-for-tests')];
    }
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe(certificateUrl.href);
  });
});
