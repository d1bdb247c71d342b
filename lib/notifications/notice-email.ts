import 'server-only';
import type { EmailContent, EmailLinkLine, EmailParagraph } from '@/lib/email/render-content';
import { noticeEmailFrame, type NotificationLanguage } from './texts';

/**
 * A notice's email in the shared frame: the greeting, the notice's paragraphs, and the closing
 * note naming the clinic. Rendered by notifyAudience in the clinic's layout.
 */
export function noticeEmail(
  language: NotificationLanguage,
  clinic: string,
  subject: string,
  paragraphs: readonly EmailParagraph[],
): EmailContent {
  const frame = noticeEmailFrame[language];
  return { language, subject, greeting: frame.greeting, paragraphs, footer: [frame.automatic(clinic)] };
}

/**
 * Words followed by a link into the patient portal: a button in the HTML part, the address after
 * the words in the text part (on a line of its own unless `same-line`).
 */
export function portalLinkLine(
  language: NotificationLanguage,
  text: string,
  href: string,
  textLayout: EmailLinkLine['textLayout'] = 'next-line',
): EmailLinkLine {
  return { text, href, textLayout, buttonLabel: noticeEmailFrame[language].portalButton };
}
