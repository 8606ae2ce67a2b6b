import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitsOf } from '../src/format/money.ts';

describe('money in minor units', () => {
  it('formats amounts by the currency’s own number of minor digits', () => {
    expect(formatMoney({ amount: 14880, currency: 'EUR' })).toMatch(/148\.80/);
    expect(formatMoney({ amount: 1200, currency: 'JPY' })).toMatch(/1,200$/);
    expect(formatMoney({ amount: 1234, currency: 'KWD' })).toMatch(/1\.234/);
  });

  it('reads a typed price as minor units without floating-point rounding, refusing extra decimals', () => {
    expect(minorUnitsOf('49.99', 'USD')).toBe(4999);
    expect(minorUnitsOf('0.1', 'USD')).toBe(10);
    expect(minorUnitsOf('19,5', 'EUR')).toBe(1950);
    expect(minorUnitsOf('1200', 'JPY')).toBe(1200);
    expect(minorUnitsOf('12.5', 'JPY')).toBeNull();
    expect(minorUnitsOf('1.999', 'USD')).toBeNull();
    expect(minorUnitsOf('-1', 'USD')).toBeNull();
    expect(minorUnitsOf('', 'USD')).toBeNull();
  });
});
