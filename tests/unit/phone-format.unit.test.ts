import { describe, expect, it } from 'vitest';
import { formatPhoneForDisplay, toE164 } from '@/lib/phone/format';

describe('phone numbers', () => {
  it('stores what people type as E.164, in the clinic country unless a code is given', () => {
    expect(toE164('(217) 555-0199')).toBe('+12175550199');
    expect(toE164('+36 30 123 4567')).toBe('+36301234567');
    expect(toE164('12')).toBeNull();
  });

  it('shows US numbers nationally and others internationally, the same on every call', () => {
    for (let i = 0; i < 2; i++) {
      expect(formatPhoneForDisplay('+12175550199')).toBe('(217) 555-0199');
      expect(formatPhoneForDisplay('+36301234567')).toBe('+36 30 123 4567');
      expect(formatPhoneForDisplay('not a number')).toBe('not a number');
    }
  });
});
