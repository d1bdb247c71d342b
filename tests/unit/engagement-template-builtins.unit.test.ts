import { describe, expect, it } from 'vitest';
import { LOCALES } from '@/lib/i18n/core';
import { BUILTIN_TEMPLATE_KEYS, BUILTIN_TEMPLATES } from '@/lib/engagement/templates/builtins';
import { checkTemplateText, placeholdersIn } from '@/lib/engagement/templates/placeholders';
import { sampleSms, checkTemplateContent } from '@/lib/engagement/templates/template-forms';
import { smsSegments } from '@/lib/engagement/templates/sms-segments';

/**
 * The built-in templates (issue 18 point 3): each saves as a clinic's own would, uses only what
 * its triggers have values for, and the texts stay cheap and discreet — GSM-7 in both languages,
 * no amount, no patient name.
 */

describe('built-in templates', () => {
  it('are the eight the built-in automations send, in English and Spanish', () => {
    expect(Object.keys(BUILTIN_TEMPLATES).sort()).toEqual([...BUILTIN_TEMPLATE_KEYS].sort());
    for (const key of BUILTIN_TEMPLATE_KEYS) {
      const t = BUILTIN_TEMPLATES[key];
      expect(Object.keys(t.content), key).toEqual([...LOCALES]);
      expect(t.purpose, key).toBe('care');
      expect(key.endsWith(`-${t.channel}`), key).toBe(true);
    }
  });

  it('pass the save check, and every trigger they are sent on has each of their placeholders', () => {
    for (const key of BUILTIN_TEMPLATE_KEYS) {
      const t = BUILTIN_TEMPLATES[key];
      expect(checkTemplateContent(t), key).toEqual({});
      for (const trigger of t.triggers) {
        for (const language of LOCALES) {
          const words = t.content[language];
          expect(checkTemplateText(`${words.subject ?? ''}\n${words.body}`, { channel: t.channel, purpose: t.purpose, trigger }), `${key} ${language} ${trigger}`).toEqual([]);
        }
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of BUILTIN_TEMPLATE_KEYS) {
      const { en, es } = BUILTIN_TEMPLATES[key].content;
      expect(placeholdersIn(`${es.subject ?? ''} ${es.body}`).sort(), key).toEqual(placeholdersIn(`${en.subject ?? ''} ${en.body}`).sort());
    }
  });

  it('send texts in GSM-7 of at most three segments, without the patient’s name or an amount', () => {
    const sms = BUILTIN_TEMPLATE_KEYS.filter((key) => BUILTIN_TEMPLATES[key].channel === 'sms');
    expect(sms).toHaveLength(4);
    for (const key of sms) {
      for (const language of LOCALES) {
        const body = BUILTIN_TEMPLATES[key].content[language].body;
        const count = smsSegments(sampleSms(body, 'care', language));
        expect(count.encoding, `${key} ${language}`).toBe('GSM-7');
        expect(count.segments, `${key} ${language}`).toBeLessThanOrEqual(3);
        expect(placeholdersIn(body).filter((p) => p === 'patient.firstName' || p === 'invoice.amountDue'), key).toEqual([]);
      }
    }
  });

  it('give the 2-hour reminder both the confirm and the cancel link', () => {
    for (const language of LOCALES) {
      expect(placeholdersIn(BUILTIN_TEMPLATES['appointment-reminder-2h-sms'].content[language].body)).toEqual(expect.arrayContaining(['appointment.confirmUrl', 'appointment.cancelUrl']));
    }
  });
});
