import 'server-only';
import { and, asc, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { automations, campaigns, messageTemplates, type ContactChannel, type ContactPurpose, type MessageTemplate, type TemplateContent } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { LOCALES, type Locale } from '@/lib/i18n/core';
import { PG, postgresErrorCode, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { EngagementAuditActions } from '../audit-actions';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../unsubscribe';
import { SAMPLE_VALUES } from './placeholders';
import { renderTemplateMessage, type RenderedTemplateMessage } from './render';
import { checkTemplateContent, type TemplateListStatus } from './template-forms';

/**
 * Message templates, for staff (CRM → Message templates; issue 18 point 9): list, read, create,
 * edit, archive and restore, by staff who build automations (automations.manage) or campaigns
 * (campaigns.manage). Saving checks every language's subject and body (checkTemplateContent:
 * each unknown or not-allowed placeholder is named on its field), and the name is unique in the
 * clinic in any case. The channel and purpose are chosen once, when the template is made. A
 * built-in template (builtins.ts) can be edited but not archived. Audited with ids, the channel,
 * purpose and languages and the names of the fields that changed — never the words.
 */

export interface TemplateInput {
  name: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  content: Partial<Record<Locale, TemplateContent>>;
}

export type TemplateEdit = Pick<TemplateInput, 'name' | 'content'>;

export interface TemplateListRow {
  id: string;
  name: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  languages: string[];
  builtinKey: string | null;
  updatedAt: Date;
}

export type TemplateView = Pick<MessageTemplate, 'id' | 'name' | 'channel' | 'purpose' | 'content' | 'builtinKey' | 'archivedAt' | 'updatedAt'>;

/** Either engagement permission opens templates (the pages and actions ask requireStaff for any of these). */
export const TEMPLATE_PERMISSIONS = ['automations.manage', 'campaigns.manage'] as const satisfies readonly Permission[];

/** lib re-checks it whatever the page or action did. */
function assertTemplateAccess(ctx: StaffContext): void {
  if (!hasPermission(ctx, 'automations.manage')) assertPermission(ctx, 'campaigns.manage');
}

const nameTaken = () => new RuleError('template-name-taken', 'Another template already has this name.', { name: 'Another template of the clinic is called that (in any case). Choose another name.' });

function checkWords(words: Pick<TemplateInput, 'channel' | 'purpose' | 'content'>): void {
  const fieldErrors = checkTemplateContent(words);
  if (Object.keys(fieldErrors).length) {
    throw new RuleError('template-words', 'Fix the marked fields: the template was not saved.', fieldErrors);
  }
}

/** Only the languages with words, in a stable order (English first). */
function storedContent(content: TemplateInput['content']): Record<string, TemplateContent> {
  return Object.fromEntries((['en', 'es'] as const).filter((l) => content[l]).map((l) => [l, content[l]!]));
}

async function assertNameFree(db: Executor, tenantId: string, name: string, exceptId?: string): Promise<void> {
  const conditions = [eq(messageTemplates.tenantId, tenantId), sql`lower(${messageTemplates.name}) = lower(${name})`];
  if (exceptId) conditions.push(ne(messageTemplates.id, exceptId));
  const [row] = await db.select({ id: messageTemplates.id }).from(messageTemplates).where(and(...conditions));
  if (row) throw nameTaken();
}

/** The unique index answers a race between two saves of the same name. */
async function translatingNameClash<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) throw nameTaken();
    throw error;
  }
}

export async function listTemplates(db: Executor, ctx: StaffContext, options: { status: TemplateListStatus }): Promise<TemplateListRow[]> {
  assertTemplateAccess(ctx);
  const rows = await db
    .select({
      id: messageTemplates.id, name: messageTemplates.name, channel: messageTemplates.channel, purpose: messageTemplates.purpose,
      languages: sql<string[]>`array(select jsonb_object_keys(${messageTemplates.content}) order by 1)`,
      builtinKey: messageTemplates.builtinKey, updatedAt: messageTemplates.updatedAt,
    })
    .from(messageTemplates)
    .where(and(
      eq(messageTemplates.tenantId, ctx.tenant.id),
      options.status === 'archived' ? isNotNull(messageTemplates.archivedAt) : isNull(messageTemplates.archivedAt),
    ))
    .orderBy(asc(sql`lower(${messageTemplates.name})`), asc(messageTemplates.id));
  return rows;
}

/** One template of the clinic; another clinic's id is not found. */
export async function getTemplate(db: Executor, ctx: StaffContext, templateId: string): Promise<TemplateView> {
  assertTemplateAccess(ctx);
  if (!isUuid(templateId)) throw new NotFoundError('template');
  const [row] = await db
    .select({
      id: messageTemplates.id, name: messageTemplates.name, channel: messageTemplates.channel, purpose: messageTemplates.purpose,
      content: messageTemplates.content, builtinKey: messageTemplates.builtinKey, archivedAt: messageTemplates.archivedAt, updatedAt: messageTemplates.updatedAt,
    })
    .from(messageTemplates)
    .where(and(eq(messageTemplates.tenantId, ctx.tenant.id), eq(messageTemplates.id, templateId)));
  if (!row) throw new NotFoundError('template');
  return row;
}

export async function createTemplate(db: Executor, ctx: StaffContext, input: TemplateInput): Promise<{ id: string }> {
  assertTemplateAccess(ctx);
  checkWords(input);
  await assertNameFree(db, ctx.tenant.id, input.name);
  const content = storedContent(input.content);
  return translatingNameClash(() => db.transaction(async (tx) => {
    const [row] = await tx.insert(messageTemplates).values({
      tenantId: ctx.tenant.id, name: input.name, channel: input.channel, purpose: input.purpose, content,
    }).returning({ id: messageTemplates.id });
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.templateCreated, target: { type: 'message_template', id: row!.id },
      details: { channel: input.channel, purpose: input.purpose, languages: Object.keys(content) },
    });
    return { id: row!.id };
  }));
}

/** The name and the words; the channel and purpose stay as made. `changed` is false when nothing differed. */
export async function updateTemplate(db: Executor, ctx: StaffContext, templateId: string, input: TemplateEdit): Promise<{ changed: boolean }> {
  assertTemplateAccess(ctx);
  if (!isUuid(templateId)) throw new NotFoundError('template');
  return translatingNameClash(() => db.transaction(async (tx) => {
    const [current] = await tx.select().from(messageTemplates)
      .where(and(eq(messageTemplates.tenantId, ctx.tenant.id), eq(messageTemplates.id, templateId))).for('update');
    if (!current) throw new NotFoundError('template');
    checkWords({ channel: current.channel, purpose: current.purpose, content: input.content });
    const content = storedContent(input.content);
    const changed: string[] = [];
    if (current.name !== input.name) changed.push('name');
    for (const language of new Set([...Object.keys(current.content), ...Object.keys(content)])) {
      const before = current.content[language];
      const after = content[language];
      if (before?.subject !== after?.subject) changed.push(`${language}.subject`);
      if (before?.body !== after?.body) changed.push(`${language}.body`);
    }
    if (changed.length === 0) return { changed: false };
    if (current.name.toLowerCase() !== input.name.toLowerCase()) await assertNameFree(tx, ctx.tenant.id, input.name, templateId);
    await tx.update(messageTemplates).set({ name: input.name, content, updatedAt: now() })
      .where(and(eq(messageTemplates.tenantId, ctx.tenant.id), eq(messageTemplates.id, templateId)));
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.templateUpdated, target: { type: 'message_template', id: templateId },
      details: { changed, languages: Object.keys(content), builtinKey: current.builtinKey },
    });
    return { changed: true };
  }));
}

/**
 * Archived templates leave the lists automations and campaigns choose from; what was already
 * queued with one is sent. A built-in cannot be archived (the built-in automations use it).
 */
export async function archiveTemplate(db: Executor, ctx: StaffContext, templateId: string): Promise<{ changed: boolean }> {
  return setArchived(db, ctx, templateId, true);
}

export async function restoreTemplate(db: Executor, ctx: StaffContext, templateId: string): Promise<{ changed: boolean }> {
  return setArchived(db, ctx, templateId, false);
}

/**
 * An active automation or a campaign waiting to go out would silently send nothing with an
 * archived template (the send step skips one), so archiving waits until neither uses it.
 */
async function assertNotInUse(tx: Executor, tenantId: string, templateId: string): Promise<void> {
  const count = sql<number>`count(*)::int`;
  const [[sending], [scheduled]] = await Promise.all([
    tx.select({ n: count }).from(automations).where(and(
      eq(automations.tenantId, tenantId), eq(automations.status, 'active'), sql`${automations.steps} @> ${JSON.stringify([{ templateId }])}::jsonb`,
    )),
    tx.select({ n: count }).from(campaigns).where(and(
      eq(campaigns.tenantId, tenantId), eq(campaigns.templateId, templateId), inArray(campaigns.status, ['scheduled', 'queueing']),
    )),
  ]);
  const uses = [
    sending!.n ? `${sending!.n} active ${sending!.n === 1 ? 'automation sends' : 'automations send'} it` : null,
    scheduled!.n ? `${scheduled!.n} scheduled ${scheduled!.n === 1 ? 'campaign uses' : 'campaigns use'} it` : null,
  ].filter(Boolean);
  if (uses.length) throw new RuleError('template-in-use', `The template is in use: ${uses.join(' and ')}. Pause the automation or choose another template first.`);
}

async function setArchived(db: Executor, ctx: StaffContext, templateId: string, archive: boolean): Promise<{ changed: boolean }> {
  assertTemplateAccess(ctx);
  if (!isUuid(templateId)) throw new NotFoundError('template');
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ archivedAt: messageTemplates.archivedAt, builtinKey: messageTemplates.builtinKey }).from(messageTemplates)
      .where(and(eq(messageTemplates.tenantId, ctx.tenant.id), eq(messageTemplates.id, templateId))).for('update');
    if (!current) throw new NotFoundError('template');
    if (archive && current.builtinKey) {
      throw new RuleError('template-builtin', 'A built-in template cannot be archived: the built-in automations send it. Edit its words instead, or pause the automation.');
    }
    if ((current.archivedAt !== null) === archive) return { changed: false };
    if (archive) await assertNotInUse(tx, ctx.tenant.id, templateId);
    await tx.update(messageTemplates).set({ archivedAt: archive ? now() : null, updatedAt: now() })
      .where(and(eq(messageTemplates.tenantId, ctx.tenant.id), eq(messageTemplates.id, templateId)));
    await recordAudit(tx, ctx, {
      action: archive ? EngagementAuditActions.templateArchived : EngagementAuditActions.templateRestored,
      target: { type: 'message_template', id: templateId },
    });
    return { changed: true };
  });
}

export interface TemplatePreview {
  language: Locale;
  message: RenderedTemplateMessage;
}

/**
 * A saved template as a patient would get it, in each of its languages, with the sample values
 * and the clinic's own name and layout (the CRM's "as sent" preview). The unsubscribe link stays
 * the dispatcher's placeholder, as in a queued message.
 */
export async function previewTemplate(db: Executor, ctx: StaffContext, template: Pick<TemplateView, 'channel' | 'purpose' | 'content'>): Promise<TemplatePreview[]> {
  assertTemplateAccess(ctx);
  const brand = await loadClinicEmailBrand(db, ctx.tenant.id);
  if (!brand) throw new NotFoundError('branding');
  return LOCALES.filter((language) => template.content[language]).map((language) => {
    const message = renderTemplateMessage({ template, language, values: { ...SAMPLE_VALUES[language], 'clinic.name': brand.name }, clinic: brand });
    // The dispatcher puts each address's unsubscribe link in at send time; a preview shows a sample one.
    const sample = (text: string) => text.replaceAll(UNSUBSCRIBE_URL_PLACEHOLDER, SAMPLE_VALUES[language]['unsubscribe.url']);
    return { language, message: message.channel === 'email' ? { ...message, text: sample(message.text), html: sample(message.html) } : { ...message, text: sample(message.text) } };
  });
}
