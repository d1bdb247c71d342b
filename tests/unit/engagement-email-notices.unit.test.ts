import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLINIC, COLOR, LOGO, queueEveryNotice, SLUG, type HarnessState, type QueuedNotice } from './engagement-email-notice-harness';
import { PREVIOUS_NOTICE_TEXTS } from './engagement-email-previous-texts';

/**
 * Every patient notice is an email in the clinic's layout, and switching to the layout changed
 * none of the words: subject, text part and SMS are exactly what was queued before.
 */

const state = vi.hoisted((): HarnessState => ({ queued: [], audience: null }));
vi.mock('@/lib/outbox/enqueue', () => ({
  enqueueMessage: async (_tx: unknown, message: HarnessState['queued'][number]) => {
    state.queued.push(message);
    return true;
  },
}));
vi.mock('@/lib/notifications/audience', () => ({ patientAudience: async () => state.audience }));

let notices: Record<string, QueuedNotice>;

beforeAll(async () => {
  vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
  notices = await queueEveryNotice(state);
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('patient notices in the clinic layout', () => {
  it('covers every notice the previous texts recorded, in both languages', () => {
    expect(Object.keys(notices).sort()).toEqual(Object.keys(PREVIOUS_NOTICE_TEXTS).sort());
    // 14 notices in two languages (the form reminder went to the "Form due reminder" automation).
    expect(Object.keys(notices)).toHaveLength(28);
  });

  it.each(Object.keys(PREVIOUS_NOTICE_TEXTS))('%s: same subject, text part, SMS and attachments as before', (key) => {
    const before = PREVIOUS_NOTICE_TEXTS[key]!;
    const now = notices[key]!;
    expect(now.subject).toBe(before.subject);
    expect(now.emailText).toBe(before.emailText);
    expect(now.sms).toBe(before.sms);
    expect(now.attachments).toEqual(before.attachments);
  });

  it.each(Object.keys(PREVIOUS_NOTICE_TEXTS))('%s: an HTML part with the clinic\'s name, logo, colour and links', (key) => {
    const { html, emailText } = notices[key]!;
    expect(html).toBeTruthy();
    expect(html).toContain(`<html lang="${key.endsWith(':es') ? 'es' : 'en'}"`);
    expect(html).toMatch(new RegExp(`data-part="clinic-name">${CLINIC}<`));
    expect(html).toContain(`<img src="https://${SLUG}.carebridge.example${LOGO}"`);
    expect(html).toContain(`bgcolor="${COLOR}"`);
    for (const link of emailText.match(/https:\/\/\S+/g) ?? []) expect(html).toContain(`href="${link}"`);
    expect(html).toContain(key.endsWith(':es') ? 'Abrir su portal de pacientes' : 'Open your patient portal');
  });

  it('keeps the text part free of markup', () => {
    for (const { emailText } of Object.values(notices)) expect(emailText).not.toMatch(/<[a-z/!]|&(amp|lt|gt|quot);/i);
  });
});
