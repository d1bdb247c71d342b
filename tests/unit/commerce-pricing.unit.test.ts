import { describe, expect, it } from 'vitest';
import { priceOrder, PricingError, type PricingProduct } from '@/lib/commerce/pricing';

const kit: PricingProduct = { id: 'kit', kind: 'one_time', unitAmount: 2500, taxable: true, phases: [] };
const gloves: PricingProduct = { id: 'gloves', kind: 'one_time', unitAmount: 999, taxable: false, phases: [] };
const plan: PricingProduct = {
  id: 'plan', kind: 'subscription', unitAmount: null, taxable: true,
  phases: [
    { position: 1, unitAmount: 14900, intervalUnit: 'month', intervalCount: 1, cycles: null },
    { position: 0, unitAmount: 9900, intervalUnit: 'month', intervalCount: 1, cycles: 1 },
  ],
};

describe('priceOrder', () => {
  it('adds up lines with tax on taxable products only', () => {
    const order = priceOrder([{ product: kit, quantity: 2 }, { product: gloves, quantity: 1 }], 825);
    expect(order.lines.map((l) => [l.subtotal, l.taxAmount, l.total])).toEqual([[5000, 413, 5413], [999, 0, 999]]);
    expect(order).toMatchObject({ subtotal: 5999, discountTotal: 0, taxTotal: 413, total: 6412 });
  });
  it('prices a subscription at its first phase and says which cycle it charges', () => {
    const order = priceOrder([{ product: plan, quantity: 1 }], 0);
    expect(order.lines[0]).toMatchObject({ unitAmount: 9900, phasePosition: 0, cycleNumber: 1, total: 9900 });
  });
  it('charges tax on what is left after the coupon', () => {
    const order = priceOrder([{ product: kit, quantity: 1 }, { product: plan, quantity: 1 }], 800, {
      coupon: { kind: 'percent', percentBp: 1000, amountOff: null }, eligibleProductIds: null,
    });
    expect(order.lines.map((l) => [l.discountAmount, l.taxAmount, l.total])).toEqual([[250, 180, 2430], [990, 713, 9623]]);
    expect(order).toMatchObject({ subtotal: 12400, discountTotal: 1240, taxTotal: 893, total: 12053 });
    expect(order.total).toBe(order.subtotal - order.discountTotal + order.taxTotal);
  });
  it('never goes below zero with a fixed amount larger than the order', () => {
    const order = priceOrder([{ product: kit, quantity: 1 }], 800, { coupon: { kind: 'amount', percentBp: null, amountOff: 99_999 }, eligibleProductIds: null });
    expect(order).toMatchObject({ subtotal: 2500, discountTotal: 2500, taxTotal: 0, total: 0 });
  });
  it('refuses a quantity out of range and more than one of a subscription', () => {
    expect(() => priceOrder([{ product: kit, quantity: 0 }], 0)).toThrow(PricingError);
    expect(() => priceOrder([{ product: kit, quantity: 11 }], 0)).toThrow(PricingError);
    expect(() => priceOrder([{ product: kit, quantity: 1.5 }], 0)).toThrow(PricingError);
    expect(() => priceOrder([{ product: plan, quantity: 2 }], 0)).toThrow(PricingError);
  });
  it('refuses a product it cannot price', () => {
    expect(() => priceOrder([{ product: { ...plan, phases: [] }, quantity: 1 }], 0)).toThrow(PricingError);
    expect(() => priceOrder([{ product: { ...kit, unitAmount: null }, quantity: 1 }], 0)).toThrow(PricingError);
  });
});
