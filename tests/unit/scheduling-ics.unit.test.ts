import { describe, expect, it } from 'vitest';
import { buildIcs, escapeIcsText, foldIcsLine } from '@/lib/scheduling/ics';

const event = {
  method: 'REQUEST' as const,
  uid: '6f1c2f0e-1111-4222-8333-944445555666',
  startsAt: new Date('2026-03-08T14:00:00Z'),
  endsAt: new Date('2026-03-08T14:30:00Z'),
  summary: 'Appointment at Sunrise Clinic',
  location: 'Main, 1 Elm St, Suite 2; Floor 3, Springfield',
  stamp: new Date('2026-03-01T10:20:30.456Z'),
};

describe('buildIcs', () => {
  it('writes one VEVENT with UTC times, the appointment id as UID and CRLF line ends', () => {
    const ics = buildIcs(event);
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n');
    expect(lines).toContain('METHOD:REQUEST');
    expect(lines).toContain('UID:6f1c2f0e-1111-4222-8333-944445555666');
    expect(lines).toContain('DTSTART:20260308T140000Z');
    expect(lines).toContain('DTEND:20260308T143000Z');
    expect(lines).toContain('DTSTAMP:20260301T102030Z');
    expect(lines).toContain('SUMMARY:Appointment at Sunrise Clinic');
    expect(lines).toContain('LOCATION:Main\\, 1 Elm St\\, Suite 2\\; Floor 3\\, Springfield');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
  });

  it('cancels with METHOD:CANCEL, STATUS:CANCELLED and a higher sequence', () => {
    const lines = buildIcs({ ...event, method: 'CANCEL' }).split('\r\n');
    expect(lines).toContain('METHOD:CANCEL');
    expect(lines).toContain('STATUS:CANCELLED');
    expect(lines).toContain('SEQUENCE:1');
  });

  it('escapes backslashes, semicolons, commas and newlines', () => {
    expect(escapeIcsText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds lines longer than 75 octets without splitting a UTF-8 character', () => {
    const long = `SUMMARY:${'Cita en Clínica Dermatológica Señora Ñandú '.repeat(4)}`;
    const folded = foldIcsLine(long);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, part] of parts.entries()) {
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      if (i > 0) expect(part.startsWith(' ')).toBe(true);
    }
    // Unfolding (remove CRLF + one space) gives the original back.
    expect(folded.replace(/\r\n /g, '')).toBe(long);
    expect(foldIcsLine('SHORT:x')).toBe('SHORT:x');
  });
});
