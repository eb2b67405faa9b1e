import { afterEach, describe, expect, it } from 'vitest';
import { defaultAward, formatIndicator, formatValue } from './evaluation';
import { restoreLang } from './i18n';

afterEach(() => restoreLang(null));

describe('formatValue', () => {
  it('shows numbers, booleans and missing values', () => {
    expect(formatValue(0.8567)).toBe('0.86');
    expect(formatValue(12000)).toBe('12,000');
    expect(formatValue(true)).toBe('是');
    restoreLang('en');
    expect(formatValue(false)).toBe('no');
    expect(formatValue(null)).toBe('—');
    expect(formatValue('集聚式')).toBe('集聚式');
  });
});

describe('defaultAward', () => {
  it('proposes the cap only for an eligible result', () => {
    expect(defaultAward({ result: { award: { eligible: true, cap_yuan: 300000 } } as never })).toBe(300000);
    expect(defaultAward({ result: { award: { eligible: false, cap_yuan: 300000 } } as never })).toBe(0);
    expect(defaultAward({})).toBe(0);
  });
});

describe('formatIndicator', () => {
  it('shows each unit the scheme uses', () => {
    expect(formatIndicator(0.6939, 'share')).toBe('69.39%');
    expect(formatIndicator(1, 'share')).toBe('100%');
    expect(formatIndicator(0, 'bool')).toBe('否');
    expect(formatIndicator(1, 'bool')).toBe('是');
    expect(formatIndicator(23.7, 'm2')).toBe('23.7 m²');
    expect(formatIndicator(3, 'count')).toBe('3');
    expect(formatIndicator(4.5, 'km/h')).toBe('4.5 km/h');
    expect(formatIndicator(null, 'share')).toBe('—');
  });
});
