import { describe, expect, it } from 'vitest';
import {
  normalizeTrackingNumber, parseCarrier, parseOrderNumber, parseShipmentCsv, parseShipmentStatus, splitCsv, trackingNumberProblem, trackingUrl,
} from '@/lib/commerce/tracking';

describe('tracking links', () => {
  it("points at each carrier's own tracking page with the number", () => {
    expect(trackingUrl('usps', '9400111899223197428490')).toBe('https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490');
    expect(trackingUrl('ups', '1Z999AA10123456784')).toBe('https://www.ups.com/track?tracknum=1Z999AA10123456784');
    expect(trackingUrl('fedex', '123456789012')).toBe('https://www.fedex.com/fedextrack/?trknbr=123456789012');
    expect(trackingUrl('dhl', '1234567890')).toBe('https://www.dhl.com/global-en/home/tracking.html?tracking-id=1234567890&submit=1');
  });
  it('has no link for another carrier, and escapes what it puts in a URL', () => {
    expect(trackingUrl('other', 'ABC-1234')).toBeNull();
    expect(trackingUrl('ups', 'a&b=c')).toBe('https://www.ups.com/track?tracknum=a%26b%3Dc');
  });
});

describe('tracking number checks', () => {
  it('accepts the formats each carrier prints', () => {
    expect(trackingNumberProblem('usps', '9400111899223197428490')).toBeNull();
    expect(trackingNumberProblem('usps', 'EA123456789US')).toBeNull();
    expect(trackingNumberProblem('ups', '1Z999AA10123456784')).toBeNull();
    expect(trackingNumberProblem('fedex', '123456789012')).toBeNull();
    expect(trackingNumberProblem('fedex', '123456789012345')).toBeNull();
    expect(trackingNumberProblem('dhl', '1234567890')).toBeNull();
    expect(trackingNumberProblem('dhl', 'JJD0099999999999999')).toBeNull();
    expect(trackingNumberProblem('other', 'LOCAL-COURIER-42')).toBeNull();
  });
  it('refuses a number under the wrong carrier or cut short, saying what the carrier’s look like', () => {
    expect(trackingNumberProblem('ups', '123456789012')).toMatch(/starts with 1Z/);
    expect(trackingNumberProblem('fedex', '1Z999AA10123456784')).toMatch(/FedEx tracking number has 12/);
    expect(trackingNumberProblem('usps', '94001118992231')).toMatch(/USPS/);
    expect(trackingNumberProblem('dhl', '12345')).toMatch(/DHL/);
  });
  it('refuses what cannot be stored for any carrier', () => {
    expect(trackingNumberProblem('other', '')).toBe('Enter the tracking number.');
    expect(trackingNumberProblem('other', 'AB1')).toMatch(/4 to 40/);
    expect(trackingNumberProblem('other', 'AB12<script>')).toMatch(/4 to 40/);
    expect(trackingNumberProblem('other', 'A'.repeat(41))).toMatch(/4 to 40/);
  });
  it('normalises spaces and case as carriers print numbers in groups', () => {
    expect(normalizeTrackingNumber(' 1z 999 aa1 0123456784 ')).toBe('1Z999AA10123456784');
    expect(normalizeTrackingNumber('9400 1118 9922 3197 4284 90')).toBe('9400111899223197428490');
  });
});

describe('reading cells', () => {
  it('knows carriers, statuses and order numbers however they are written', () => {
    expect(['USPS', 'ups', 'FedEx', 'Fed Ex', 'fedex ground', 'DHL Express', 'Other'].map(parseCarrier)).toEqual(['usps', 'ups', 'fedex', 'fedex', 'fedex', 'dhl', 'other']);
    expect(parseCarrier('Royal Mail')).toBeNull();
    expect(parseCarrier('')).toBeNull();
    expect(['In transit', 'out-for-delivery', 'DELIVERED', 'label_created', 'exception'].map(parseShipmentStatus)).toEqual(['in_transit', 'out_for_delivery', 'delivered', 'label_created', 'exception']);
    expect(parseShipmentStatus('lost')).toBeNull();
    expect(['ORD-000012', 'ord-12', '#12', '12', ' 000012 '].map(parseOrderNumber)).toEqual([12, 12, 12, 12, 12]);
    expect(['ORD-0', 'ORD-12a', '', 'INV-000012', '-3'].map(parseOrderNumber)).toEqual([null, null, null, null, null]);
  });
});

describe('the import CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(splitCsv('a,"b, c","say ""hi""","two\nlines"\r\nx,y,z,w')).toEqual([
      { line: 1, cells: ['a', 'b, c', 'say "hi"', 'two\nlines'] },
      { line: 3, cells: ['x', 'y', 'z', 'w'] },
    ]);
    expect(splitCsv('a,"never ends\nb,c')).toBeNull();
  });

  it('skips the byte order mark and blank lines, and numbers rows by their line in the file', () => {
    const text = '\uFEFFOrder Number,Carrier,Tracking Number,Status\r\n\r\nORD-000012,UPS,1Z999AA10123456784,In transit\r\n,,,\r\n13,"FedEx",123456789012,\r\n';
    const parsed = parseShipmentCsv(text);
    expect(parsed).toEqual({
      ok: true,
      rows: [
        { line: 3, orderNumber: 'ORD-000012', carrier: 'UPS', trackingNumber: '1Z999AA10123456784', status: 'In transit' },
        { line: 5, orderNumber: '13', carrier: 'FedEx', trackingNumber: '123456789012', status: '' },
      ],
    });
  });

  it('takes the columns in any order, and status may be left out', () => {
    expect(parseShipmentCsv('tracking_number,order,carrier\n1234567890,7,dhl')).toEqual({
      ok: true, rows: [{ line: 2, orderNumber: '7', carrier: 'dhl', trackingNumber: '1234567890', status: '' }],
    });
  });

  it('refuses a file with the wrong header, no rows, too many rows or an unclosed quote, saying what to fix', () => {
    expect(parseShipmentCsv('order,shipper,number\n1,ups,1Z999AA10123456784')).toMatchObject({ ok: false, problem: expect.stringMatching(/must name the columns order number, carrier and tracking number/) });
    expect(parseShipmentCsv('ORD-000012,UPS,1Z999AA10123456784')).toMatchObject({ ok: false, problem: expect.stringMatching(/first line must name the columns/) });
    expect(parseShipmentCsv('order number,carrier,tracking number\n\n')).toMatchObject({ ok: false, problem: 'The file has a header but no shipments.' });
    expect(parseShipmentCsv('')).toMatchObject({ ok: false, problem: expect.stringMatching(/empty/) });
    expect(parseShipmentCsv('\uFEFF\r\n \r\n')).toMatchObject({ ok: false, problem: expect.stringMatching(/empty/) });
    const many = ['order,carrier,tracking', ...Array.from({ length: 1001 }, (_, i) => `${i + 1},ups,1Z999AA1012345${String(i).padStart(4, '0')}`)].join('\n');
    expect(parseShipmentCsv(many)).toMatchObject({ ok: false, problem: 'The file has 1001 rows: import at most 1000 at a time.' });
    expect(parseShipmentCsv('order,carrier,tracking\n1,ups,"1Z')).toMatchObject({ ok: false, problem: expect.stringMatching(/quoted value/) });
  });
});
