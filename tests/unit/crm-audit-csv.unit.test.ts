import { describe, expect, it } from 'vitest';
import { auditEntryCsvLine, csvCell, csvLine } from '@/lib/audit/query';

describe('audit CSV cells', () => {
  it('leaves plain values as they are and empties null', () => {
    expect(csvCell('auth.sign_in')).toBe('auth.sign_in');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(new Date('2025-03-01T10:00:00.000Z'))).toBe('2025-03-01T10:00:00.000Z');
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('Kim, Dr.')).toBe('"Kim, Dr."');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
    expect(csvCell({ a: 'b,c' })).toBe('"{""a"":""b,c""}"');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil.test","x")')).toBe('"\'=HYPERLINK(""http://evil.test"",""x"")"');
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('a=1')).toBe('a=1');
  });

  it('joins a line with CRLF', () => {
    expect(csvLine(['a', null, '=b'])).toBe("a,,'=b\r\n");
  });

  it('writes an entry in header order', () => {
    const line = auditEntryCsvLine({
      id: 1, occurredAt: new Date('2025-03-01T10:00:00.000Z'), actorKind: 'staff', actorId: 'u1', actor: 'Dr Kim', actorDetail: 'kim@x.test',
      action: 'patient.viewed', outcome: 'success', patientId: 'p1', patient: 'Ann Lee (MRN-1)', targetType: 'patient', targetId: 'p1',
      ip: '203.0.113.7', userAgent: 'UA', details: { area: 'emr' },
    });
    expect(line).toBe('2025-03-01T10:00:00.000Z,staff,Dr Kim,kim@x.test,u1,patient.viewed,success,Ann Lee (MRN-1),p1,patient,p1,203.0.113.7,UA,"{""area"":""emr""}"\r\n');
  });
});
