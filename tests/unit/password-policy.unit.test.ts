import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@/scripts/demo-seed/demo-data';
import { checkPassword, PASSWORD_MAX_LENGTH } from '@/lib/identity/password-policy';

async function problemsOf(password: string, context?: Parameters<typeof checkPassword>[1]): Promise<string[]> {
  const result = await checkPassword(password, context);
  return result.ok ? [] : result.problems;
}

describe('checkPassword', () => {
  it('accepts the demo password and strong passwords', async () => {
    expect(DEMO_PASSWORD).toBe('Carebridge-demo1');
    expect(await checkPassword(DEMO_PASSWORD)).toEqual({ ok: true });
    expect(await checkPassword(DEMO_PASSWORD, { email: 'admin@sunrise.test', name: 'Alex Morgan' })).toEqual({ ok: true });
    expect(await checkPassword('Xk9mRt2p')).toEqual({ ok: true });
    expect(await checkPassword('Tr0ub4dor&3')).toEqual({ ok: true });
    expect(await checkPassword('Ábel-Kertész-1984!')).toEqual({ ok: true });
  });

  it('names each missing ingredient of seed 004', async () => {
    expect(await problemsOf('Ab1')).toEqual(['Use at least 8 characters.']);
    expect(await problemsOf('XK9MRT2P')).toEqual(['Add a lower-case letter.']);
    expect(await problemsOf('xk9mrt2p')).toEqual(['Add an upper-case letter.']);
    expect(await problemsOf('XkqmRtzp')).toEqual(['Add a digit.']);
  });

  it('counts characters as people see them, not UTF-16 units', async () => {
    // The emoji is two UTF-16 units: 8 by .length, but 7 characters.
    expect('Xk9mRt😀'.length).toBe(8);
    expect(await problemsOf('Xk9mRt😀')).toEqual(['Use at least 8 characters.']);
    expect(await problemsOf('Xk9mRt2😀')).toEqual([]);
  });

  it('refuses passwords longer than the maximum', async () => {
    const long = `Aa1${'x7Qv'.repeat(40)}`.slice(0, PASSWORD_MAX_LENGTH + 1);
    expect(await problemsOf(long)).toEqual([`Use at most ${PASSWORD_MAX_LENGTH} characters.`]);
    expect(await checkPassword(long.slice(0, PASSWORD_MAX_LENGTH))).toEqual({ ok: true });
  });

  it.each(['Password1', 'Qwerty123', 'P@ssw0rd123', 'Welcome123', 'Sunshine1', 'Iloveyou1', 'Football1', 'Summer2024'])(
    'refuses the breached password %s although it meets the composition rules',
    async (password) => {
      expect(await problemsOf(password)).toEqual(['This password is too common — choose another.']);
    },
  );

  it('refuses patterns that are not in the list but are as easy to guess', async () => {
    expect(await problemsOf('Aa1aaaaa')).toEqual(['This password is too easy to guess — avoid repeats, sequences and dates.']);
  });

  it('reports every problem at once, for live hints', async () => {
    expect(await problemsOf('password')).toEqual([
      'Add an upper-case letter.',
      'Add a digit.',
      'This password is too common — choose another.',
    ]);
    expect(await problemsOf('')).toEqual([
      'Use at least 8 characters.',
      'Add a lower-case letter.',
      'Add an upper-case letter.',
      'Add a digit.',
    ]);
  });

  describe('personal information', () => {
    const personal = 'Don’t use your name or email address in your password.';

    it('refuses the email local part and its words, in any case', async () => {
      expect(await problemsOf('Xq7-Maria.Lopez', { email: 'maria.lopez@sunrise.test' })).toContain(personal);
      expect(await problemsOf('LOPEZ-xq7-Vbn', { email: 'maria.lopez@sunrise.test' })).toContain(personal);
      expect(await problemsOf('Wv9-jcarter84z', { email: 'jcarter84@example.test' })).toContain(personal);
    });

    it('refuses parts of the name, ignoring accents', async () => {
      expect(await problemsOf('Zoe-Vbn-7-Qwx', { name: 'Zoë Kovács' })).toContain(personal);
      expect(await problemsOf('kovacs!Vbn7Qw', { name: 'Zoë Kovács' })).toContain(personal);
      expect(await problemsOf('Zoe-Vbn-7-Qwx', { name: 'Nora Carter' })).not.toContain(personal);
    });

    it('ignores parts shorter than three letters, which would refuse too much', async () => {
      expect(await checkPassword('Dr7-Vbn-Qwx-Li', { name: 'Dr. Li', email: 'li@clinic.test' })).toEqual({ ok: true });
    });

    it('copes with missing or empty context', async () => {
      expect(await checkPassword(DEMO_PASSWORD, { email: null, name: null })).toEqual({ ok: true });
      expect(await checkPassword(DEMO_PASSWORD, { email: '', name: '' })).toEqual({ ok: true });
    });
  });
});
