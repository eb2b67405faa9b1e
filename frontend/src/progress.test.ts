import { describe, expect, it } from 'vitest';
import { hasBudget, latest, share, type Progress, type ProgressYear } from './progress';

const year = (y: number, extra: Partial<ProgressYear> = {}): ProgressYear => ({
  year: y,
  circles_built: 1,
  circles_built_to_date: 1,
  high_quality_certified: 0,
  high_quality_certified_to_date: 0,
  target_circles: 40,
  target_high_quality: 0,
  target_circles_to_date: 40,
  target_high_quality_to_date: null,
  award_committed_yuan: 0,
  award_committed_yuan_to_date: 0,
  ...extra,
});

describe('progress', () => {
  it('shares a value of its target, capped at the target, none without a target', () => {
    expect(share(17, 120)).toBeCloseTo(17 / 120);
    expect(share(130, 120)).toBe(1);
    expect(share(3, 0)).toBeNull();
    expect(share(3, null)).toBeNull();
  });

  it('takes the last year as the totals to date whatever the order', () => {
    expect(latest({ district: '370800', name: '济宁市', years: [year(2025), year(2023), year(2024)] })?.year).toBe(2025);
    expect(latest({ district: '370800', name: '济宁市', years: [] })).toBeUndefined();
  });

  it('shows budgets only when the server reports one', () => {
    const p: Progress = { years: [2023], city: { district: '370800', name: '济宁市', years: [year(2023)] }, districts: null };
    expect(hasBudget(p)).toBe(false);
    p.districts = [{ district: '370811', name: '任城区', years: [year(2023, { award_budget_yuan: 3_000_000 })] }];
    expect(hasBudget(p)).toBe(true);
  });
});
