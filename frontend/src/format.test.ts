import { describe, expect, it } from 'vitest';
import { bboxParam, formatArea, formatDistance, formatMinutes, formatNumber, formatYuan } from './format';

describe('format', () => {
  it('rounds walking minutes, never showing 0 for a positive time', () => {
    expect(formatMinutes(12.4, 'zh')).toBe('12 分钟');
    expect(formatMinutes(0.2, 'en')).toBe('1 min');
    expect(formatMinutes(0, 'en')).toBe('0 min');
    expect(formatMinutes(14.6, 'en')).toBe('15 min');
  });

  it('shows metres below a kilometre and kilometres above', () => {
    expect(formatDistance(850.4, 'zh')).toBe('850 米');
    expect(formatDistance(999.4, 'en')).toBe('999 m');
    expect(formatDistance(1000, 'en')).toBe('1.0 km');
    expect(formatDistance(1260, 'zh')).toBe('1.3 公里');
  });

  it('shows areas in square kilometres', () => {
    expect(formatArea(2_345_000, 'en')).toBe('2.35 km²');
    expect(formatArea(500_000, 'zh')).toBe('0.50 平方公里');
  });

  it('shows yuan with separators', () => {
    expect(formatYuan(300000)).toBe('¥300,000');
    expect(formatYuan(1234.6)).toBe('¥1,235');
  });

  it('shows numbers with separators and at most two decimals', () => {
    expect(formatNumber(12345.678)).toBe('12,345.68');
    expect(formatNumber(7)).toBe('7');
  });

  it('writes a bbox as west,south,east,north', () => {
    expect(bboxParam([116.5, 35.3, 116.712345678, 35.5])).toBe('116.50000,35.30000,116.71235,35.50000');
  });
});
