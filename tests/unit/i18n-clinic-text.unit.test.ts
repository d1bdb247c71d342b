import { describe, expect, it } from 'vitest';
import { localized, mergeTranslations, sameTranslations, translationFieldName, translationLanguages, translationShape, translationValues } from '@/lib/i18n/clinic-text';
import { z } from '@/lib/validation/zod';

const service = { name: 'Family consultation', description: null as string | null, translations: { es: { name: 'Consulta familiar', description: 'Para toda la familia' } } };

describe('localized', () => {
  it('reads the translation for a portal language other than the default', () => {
    expect(localized(service, 'name', 'es', 'en')).toBe('Consulta familiar');
    expect(localized(service, 'description', 'es', 'en')).toBe('Para toda la familia');
  });

  it('reads the default text in the default language, even when a stale translation exists', () => {
    expect(localized(service, 'name', 'en', 'en')).toBe('Family consultation');
    expect(localized({ name: 'Consulta', translations: { es: { name: 'Old' } } }, 'name', 'es', 'es')).toBe('Consulta');
  });

  it('falls back to the default when the translation is missing, blank or the row has none', () => {
    expect(localized({ name: 'Checkup', translations: {} }, 'name', 'es', 'en')).toBe('Checkup');
    expect(localized({ name: 'Checkup', translations: { es: { name: '   ' } } }, 'name', 'es', 'en')).toBe('Checkup');
    expect(localized({ name: 'Checkup', translations: null }, 'name', 'es', 'en')).toBe('Checkup');
    expect(localized({ name: 'Checkup' }, 'name', 'es', 'en')).toBe('Checkup');
    expect(localized({ notes: null, translations: { es: {} } }, 'notes', 'es', 'en')).toBeNull();
  });

  it('reads a translation of a field whose default is empty', () => {
    expect(localized({ notes: null, translations: { es: { notes: ' Entrada por la calle 5 ' } } }, 'notes', 'es', 'en')).toBe('Entrada por la calle 5');
  });
});

describe('translationLanguages', () => {
  it('lists every portal language but the default', () => {
    expect(translationLanguages('en')).toEqual(['es']);
    expect(translationLanguages('es')).toEqual(['en']);
    expect(translationLanguages('hu')).toEqual(['en', 'es']);
  });
});

describe('translationShape', () => {
  const schema = z.strictObject({ name: z.string(), ...translationShape({ name: { label: 'service name', max: 10 } }) });

  it('trims, turns blank into null and leaves an absent field undefined', () => {
    expect(schema.parse({ name: 'A', name_es: '  Consulta  ' })).toEqual({ name: 'A', name_es: 'Consulta' });
    expect(schema.parse({ name: 'A', name_es: '   ' })).toEqual({ name: 'A', name_es: null });
    expect(schema.parse({ name: 'A' })).toEqual({ name: 'A' });
  });

  it('refuses a long translation or a control character with a message naming the language', () => {
    const long = schema.safeParse({ name: 'A', name_es: 'x'.repeat(11) });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toBe('Keep the service name in Spanish to 10 characters or fewer.');
    expect(schema.safeParse({ name: 'A', name_es: 'a\u0000b' }).success).toBe(false);
    expect(schema.safeParse({ name: 'A', name_es: ['a', 'b'] }).success).toBe(false);
  });
});

describe('mergeTranslations', () => {
  const fields = ['name', 'notes'] as const;

  it('sets posted fields and removes blank ones, storing no empty strings or languages', () => {
    expect(mergeTranslations({}, { name_es: 'Centro', notes_es: null }, fields, 'en')).toEqual({ es: { name: 'Centro' } });
    expect(mergeTranslations({ es: { name: 'Centro', notes: 'Aparcamiento' } }, { name_es: null, notes_es: '' }, fields, 'en')).toEqual({});
  });

  it('keeps what was not posted, and never writes the default language', () => {
    expect(mergeTranslations({ es: { name: 'Centro', notes: 'Aparcamiento' } }, { notes_es: 'Entrada norte' }, fields, 'en')).toEqual({ es: { name: 'Centro', notes: 'Entrada norte' } });
    expect(mergeTranslations({ es: { name: 'Centro' } }, { name_en: 'Downtown' }, fields, 'en')).toEqual({ es: { name: 'Centro' } });
    expect(mergeTranslations({ es: { name: 'Viejo' } }, { name_en: 'Downtown' }, fields, 'es')).toEqual({ es: { name: 'Viejo' }, en: { name: 'Downtown' } });
  });

  it('drops blank values already stored', () => {
    expect(mergeTranslations({ es: { name: ' ' } }, {}, fields, 'en')).toEqual({});
  });
});

describe('sameTranslations and translationValues', () => {
  it('compares regardless of key order', () => {
    expect(sameTranslations({ es: { name: 'a', notes: 'b' } }, { es: { notes: 'b', name: 'a' } })).toBe(true);
    expect(sameTranslations({ es: { name: 'a' } }, {})).toBe(false);
    expect(sameTranslations(null, {})).toBe(true);
  });

  it('gives every field of every language, empty when not translated', () => {
    expect(translationValues({ es: { name: 'Centro' } }, ['name'])).toEqual({ name_en: '', name_es: 'Centro' });
    expect(translationFieldName('notes', 'es')).toBe('notes_es');
  });
});
