/**
 * Message templates (issue 18 point 9) for the suites that attack every action: the isolation
 * suite's victim and attacker clinics each get one of their own, written directly (no lib/ call),
 * so a change in the templates code cannot break their set-up. Its body is `secret` (it must not
 * leak to another clinic).
 */
import type { Executor } from '@/db/client';
import { messageTemplates } from '@/db/schema';

export async function seedTemplateRecords(db: Executor, tenantId: string, options: { name: string; secret: string }): Promise<{ messageTemplateId: string }> {
  const [row] = await db.insert(messageTemplates).values({
    tenantId, name: options.name, channel: 'email', purpose: 'care', content: { en: { subject: 'Probe subject', body: options.secret } },
  }).returning({ id: messageTemplates.id });
  return { messageTemplateId: row!.id };
}
