import 'server-only';
import type { CampaignFormOptions, TemplateChoice } from '@/components/engagement/campaigns/campaign-form';
import type { Executor } from '@/db/client';
import type { Campaign } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { getSegment, listSegments } from '@/lib/engagement/segments/segments';
import { describeSmsSegments, smsSegments } from '@/lib/engagement/templates/sms-segments';
import { LANGUAGE_LABELS } from '@/lib/engagement/templates/template-forms';
import { getTemplate, listTemplates, previewTemplate } from '@/lib/engagement/templates/templates';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '@/lib/engagement/unsubscribe';

/**
 * What the campaign form chooses from: the clinic's active marketing templates, each with its
 * preview (sample values, the clinic's layout, every language it has; an SMS with its segment
 * count), and its active segments with how many patients each takes today. A draft's own template
 * or segment stays listed after it is archived, so the form shows what the draft has (saving
 * then asks for another).
 */
export async function campaignFormOptions(db: Executor, ctx: StaffContext, draft?: Pick<Campaign, 'templateId' | 'segmentId'>): Promise<CampaignFormOptions> {
  const [templateRows, segmentRows] = await Promise.all([listTemplates(db, ctx, { status: 'active' }), listSegments(db, ctx, { status: 'active' })]);
  const templateIds = templateRows.filter((t) => t.purpose === 'marketing').map((t) => t.id);
  if (draft && !templateIds.includes(draft.templateId)) templateIds.push(draft.templateId);
  const templates: TemplateChoice[] = [];
  // One after another: a handful of templates, each a read and a render.
  for (const id of templateIds) {
    const template = await getTemplate(db, ctx, id);
    if (template.purpose !== 'marketing') continue;
    const previews = await previewTemplate(db, ctx, template);
    templates.push({
      id: template.id,
      name: template.archivedAt ? `${template.name} (archived)` : template.name,
      channel: template.channel,
      previews: previews.map(({ language, message }) => ({
        language,
        label: LANGUAGE_LABELS[language],
        // The link is the recipient's own, made at send time.
        text: message.text.replaceAll(UNSUBSCRIBE_URL_PLACEHOLDER, '(unsubscribe link)'),
        ...(message.channel === 'email' ? { subject: message.subject, html: message.html } : { smsSegments: describeSmsSegments(smsSegments(message.text)) }),
      })),
    });
  }
  const segments = segmentRows.map((s) => ({ id: s.id, name: s.name, count: s.count }));
  if (draft && !segments.some((s) => s.id === draft.segmentId)) {
    const own = await getSegment(db, ctx, draft.segmentId);
    segments.push({ id: own.id, name: own.archived ? `${own.name} (archived)` : own.name, count: own.count });
  }
  return { templates, segments };
}
