import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { devOutboxMessages, outboxMessages, tenants } from '@/db/schema';
import { isProduction } from '@/lib/config/env';
import { isUuid } from '@/lib/kernel/ids';
import { applySmsKeyword, type SmsKeywordOutcome } from './sms-keywords';

/**
 * Development only: playing a patient's reply to a text the dev outbox captured, so STOP and
 * START can be tried without a phone (/dev/outbox). The clinic is the one whose outbox message
 * the capture is: the local SMS sender's message id is the capture's id, which the dispatcher
 * stores as the outbox row's provider_message_id. A text sent outside the outbox (a sign-in
 * code) has no clinic here and cannot be replied to. Production has no dev outbox: refused.
 */

export interface CapturedSmsClinic {
  tenantId: string;
  clinicName: string;
}

function assertDevelopment(): void {
  if (isProduction) throw new Error('dev outbox replies are for development only');
}

/** The clinic of each captured SMS that came through a clinic's outbox, by capture id. */
export async function capturedSmsClinics(db: Executor, captureIds: readonly string[]): Promise<Map<string, CapturedSmsClinic>> {
  assertDevelopment();
  const ids = captureIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ captureId: devOutboxMessages.id, tenantId: tenants.id, clinicName: tenants.name })
    .from(devOutboxMessages)
    .innerJoin(outboxMessages, and(eq(outboxMessages.channel, 'sms'), eq(outboxMessages.providerMessageId, sql`${devOutboxMessages.id}::text`)))
    .innerJoin(tenants, eq(tenants.id, outboxMessages.tenantId))
    .where(and(inArray(devOutboxMessages.id, ids), eq(devOutboxMessages.channel, 'sms')));
  return new Map(rows.map((r) => [r.captureId, { tenantId: r.tenantId, clinicName: r.clinicName }]));
}

/** Applies `text` as a reply from the captured SMS's recipient to its clinic. Null: no such capture with a clinic. */
export async function replyToCapturedSms(db: Executor, captureId: string, text: string): Promise<(SmsKeywordOutcome & { clinicName: string }) | null> {
  assertDevelopment();
  if (!isUuid(captureId)) return null;
  const [capture] = await db
    .select({ recipient: devOutboxMessages.recipient })
    .from(devOutboxMessages)
    .where(and(eq(devOutboxMessages.id, captureId), eq(devOutboxMessages.channel, 'sms')));
  const clinic = (await capturedSmsClinics(db, [captureId])).get(captureId);
  if (!capture || !clinic) return null;
  return { ...(await applySmsKeyword(db, clinic.tenantId, capture.recipient, text)), clinicName: clinic.clinicName };
}
