import { describe, expect, it } from 'vitest';
import { chinaWeekMinute, formatHours, hoursStatus, parseHours, statusText } from './hours';

/** at is a moment given in China Standard Time; 2024-01-01 was a Monday. */
const at = (day: number, time: string) => new Date(`2024-01-${String(day).padStart(2, '0')}T${time}:00+08:00`);
const mon = (time: string) => at(1, time);
const fri = (time: string) => at(5, time);
const sat = (time: string) => at(6, time);
const sun = (time: string) => at(7, time);

describe('formatHours', () => {
  it('writes weekday ranges and lists in Chinese', () => {
    expect(formatHours('Mo-Fr 15:00-21:00; Sa,Su 08:30-20:00')).toBe('周一至周五 15:00–21:00；周六、周日 08:30–20:00');
    expect(formatHours('Mo-Sa 08:30-19:00')).toBe('周一至周六 08:30–19:00');
    expect(formatHours('Tu,Th 09:00-17:00')).toBe('周二、周四 09:00–17:00');
  });

  it('says every day for Mo-Su and for a rule without days', () => {
    expect(formatHours('Mo-Su 07:00-23:00')).toBe('每天 07:00–23:00');
    expect(formatHours('07:00-23:00')).toBe('每天 07:00–23:00');
    expect(formatHours('Mo-Fr,Sa-Su 07:00-23:00')).toBe('每天 07:00–23:00');
  });

  it('says open 24 hours for 24/7 and all-day rules', () => {
    expect(formatHours('24/7')).toBe('24 小时营业');
    expect(formatHours('Mo-Su 00:00-24:00')).toBe('24 小时营业');
    expect(formatHours('24/7', 'en')).toBe('Open 24 hours');
  });

  it('lists several spans of a day and marks the next day past midnight', () => {
    expect(formatHours('Mo-Su 05:00-12:00,15:00-19:00')).toBe('每天 05:00–12:00、15:00–19:00');
    expect(formatHours('Mo-Su 18:00-02:00')).toBe('每天 18:00–次日 02:00');
    expect(formatHours('Mo-Su 10:00-24:00')).toBe('每天 10:00–24:00');
  });

  it('writes closed days', () => {
    expect(formatHours('Mo-Sa 09:00-18:00; Su off')).toBe('周一至周六 09:00–18:00；周日 休息');
  });

  it('writes English', () => {
    expect(formatHours('Mo-Fr 15:00-21:00; Sa,Su 08:30-20:00', 'en')).toBe('Mon–Fri 15:00–21:00; Sat, Sun 08:30–20:00');
    expect(formatHours('Mo-Su 07:00-23:00', 'en')).toBe('Daily 07:00–23:00');
    expect(formatHours('Su off', 'en')).toBe('Sun closed');
  });

  it('gives back a value it cannot read as written', () => {
    for (const raw of ['Mo-Fr 08:00-20:00; PH off', 'sunrise-sunset', 'Mo-Fr 8am-6pm', 'Jan-Mar 10:00-12:00', '25:00-26:00', 'Mo-Fr', 'Xx 10:00-12:00']) {
      expect(parseHours(raw), raw).toBeNull();
      expect(formatHours(raw), raw).toBe(raw);
    }
    expect(formatHours('')).toBe('');
    expect(formatHours(undefined)).toBe('');
  });

  it('tolerates spaces around the separators', () => {
    expect(formatHours(' Mo-Fr 15:00 - 21:00 ;  Sa, Su 08:30-20:00 ')).toBe('周一至周五 15:00–21:00；周六、周日 08:30–20:00');
  });
});

describe('parseHours', () => {
  it('lets a later rule replace earlier ones on the days it names', () => {
    const h = parseHours('Mo-Su 08:00-20:00; Su 10:00-16:00')!;
    expect(h.week[0]).toEqual([{ from: 600, to: 960 }]);
    expect(h.week[1]).toEqual([{ from: 480, to: 1200 }]);
  });

  it('reads ranges that wrap past Sunday', () => {
    const h = parseHours('Sa-Mo 09:00-12:00')!;
    expect(h.week.map((d) => d.length)).toEqual([1, 1, 0, 0, 0, 0, 1]);
  });
});

describe('chinaWeekMinute', () => {
  it('counts from Sunday midnight in China Standard Time, whatever the UTC date', () => {
    expect(chinaWeekMinute(mon('10:00'))).toBe(1 * 1440 + 600);
    // Sunday 01:00 in China is still Saturday in UTC.
    expect(chinaWeekMinute(sun('01:00'))).toBe(60);
  });
});

describe('statusText', () => {
  const weekdays = 'Mo-Fr 15:00-21:00; Sa,Su 08:30-20:00';

  it('says open and when it closes', () => {
    expect(statusText(weekdays, mon('16:00'))).toEqual({ open: true, text: '营业中 · 21:00 打烊' });
    expect(statusText(weekdays, mon('15:00'))!.open).toBe(true);
    expect(statusText(weekdays, sat('09:00'))!.text).toBe('营业中 · 20:00 打烊');
  });

  it('says closed and when it opens: later today, tomorrow or on a weekday', () => {
    expect(statusText(weekdays, mon('10:00'))).toEqual({ open: false, text: '已打烊 · 今天 15:00 开门' });
    expect(statusText(weekdays, fri('22:00'))).toEqual({ open: false, text: '已打烊 · 明天 08:30 开门' });
    expect(statusText(weekdays, mon('21:00'))!.text).toBe('已打烊 · 明天 15:00 开门');
    expect(statusText('Mo 09:00-10:00', mon('11:00'))!.text).toBe('已打烊 · 周一 09:00 开门');
    expect(statusText('Mo-Sa 09:00-18:00; Su off', sat('19:00'))!.text).toBe('已打烊 · 周一 09:00 开门');
  });

  it('handles hours past midnight', () => {
    expect(statusText('Mo-Su 18:00-02:00', mon('23:30'))!.text).toBe('营业中 · 明天 02:00 打烊');
    expect(statusText('Mo-Su 18:00-02:00', mon('01:00'))!.text).toBe('营业中 · 02:00 打烊');
    expect(statusText('Mo-Su 18:00-02:00', mon('03:00'))!.text).toBe('已打烊 · 今天 18:00 开门');
    expect(statusText('Mo-Su 10:00-24:00', mon('23:00'))!.text).toBe('营业中 · 24:00 打烊');
  });

  it('handles the week wrapping from Saturday to Sunday', () => {
    expect(statusText('Sa 20:00-03:00', sun('02:00'))!.text).toBe('营业中 · 03:00 打烊');
    expect(statusText('Mo 09:00-10:00', sun('12:00'))!.text).toBe('已打烊 · 明天 09:00 开门');
  });

  it('says 24 hours for places that never close', () => {
    expect(statusText('24/7', mon('03:00'))).toEqual({ open: true, text: '营业中 · 24 小时' });
    expect(statusText('Mo-Su 00:00-24:00', mon('03:00'))!.text).toBe('营业中 · 24 小时');
    expect(hoursStatus(parseHours('Mo-Su 00:00-24:00')!, mon('03:00')).always).toBe(true);
  });

  it('does not count a closed day as never closing', () => {
    expect(statusText('Mo-Sa 00:00-24:00; Su off', sat('12:00'))!.text).toBe('营业中 · 24:00 打烊');
  });

  it('has nothing to say about a value it cannot read', () => {
    expect(statusText('sunrise-sunset', mon('12:00'))).toBeNull();
    expect(statusText('', mon('12:00'))).toBeNull();
  });

  it('says it in English', () => {
    expect(statusText(weekdays, mon('16:00'), 'en')!.text).toBe('Open · closes 21:00');
    expect(statusText(weekdays, fri('22:00'), 'en')!.text).toBe('Closed · opens tomorrow 08:30');
  });
});
