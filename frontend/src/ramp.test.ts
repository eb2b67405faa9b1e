import { describe, expect, it } from 'vitest';
import { colorForMinutes, legendClasses, minutesRamp, stepExpression } from './ramp';

describe('minutes ramp', () => {
  it('puts each time in its class, bounds exclusive above', () => {
    expect(colorForMinutes(0)).toBe(minutesRamp[0].color);
    expect(colorForMinutes(4.99)).toBe(minutesRamp[0].color);
    expect(colorForMinutes(5)).toBe(minutesRamp[1].color);
    expect(colorForMinutes(14.9)).toBe(minutesRamp[2].color);
    expect(colorForMinutes(15)).toBe(minutesRamp[3].color);
    expect(colorForMinutes(45)).toBe(minutesRamp[5].color);
  });

  it('treats unreachable as the worst class', () => {
    const worst = minutesRamp[minutesRamp.length - 1].color;
    expect(colorForMinutes(null)).toBe(worst);
    expect(colorForMinutes(undefined)).toBe(worst);
    expect(colorForMinutes(Infinity)).toBe(worst);
    expect(colorForMinutes(NaN)).toBe(worst);
  });

  it('builds a MapLibre step expression matching colorForMinutes', () => {
    const expr = stepExpression('minutes');
    expect(expr.slice(0, 3)).toEqual(['step', ['coalesce', ['get', 'minutes'], 1e9], minutesRamp[0].color]);
    const stops = expr.slice(3);
    expect(stops.length).toBe((minutesRamp.length - 1) * 2);
    for (let i = 0; i < stops.length; i += 2) {
      expect(colorForMinutes(stops[i] as number)).toBe(stops[i + 1]);
    }
  });

  it('labels the legend classes', () => {
    expect(legendClasses().map((c) => c.label)).toEqual(['0–5', '5–10', '10–15', '15–20', '20–30', '≥ 30']);
  });
});
