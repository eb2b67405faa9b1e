// Programme progress as GET /api/v1/progress reports it, and the sums the
// dashboard shows from it.

export interface ProgressYear {
  year: number;
  circles_built: number;
  circles_built_to_date: number;
  high_quality_certified: number;
  high_quality_certified_to_date: number;
  target_circles: number | null;
  target_high_quality: number | null;
  target_circles_to_date: number | null;
  target_high_quality_to_date: number | null;
  award_committed_yuan: number;
  award_committed_yuan_to_date: number;
  /** the award money set aside, when the server reports budgets */
  award_budget_yuan?: number | null;
  award_budget_yuan_to_date?: number | null;
}

export interface ProgressDistrict {
  district: string;
  name: string;
  years: ProgressYear[];
}

export interface Progress {
  years: number[];
  city: ProgressDistrict;
  districts: ProgressDistrict[] | null;
}

/** share is value / target clamped to 0..1, or null when there is no positive target. */
export function share(value: number, target: number | null | undefined): number | null {
  if (target == null || !(target > 0)) return null;
  return Math.max(0, Math.min(1, value / target));
}

/** latest is the row of the last year, which carries the totals to date. */
export function latest(d: ProgressDistrict): ProgressYear | undefined {
  return d.years.reduce<ProgressYear | undefined>((a, y) => (!a || y.year > a.year ? y : a), undefined);
}

/** hasBudget reports whether any row carries an award budget. */
export function hasBudget(p: Progress): boolean {
  return [p.city, ...(p.districts ?? [])].some((d) => d.years.some((y) => typeof y.award_budget_yuan === 'number'));
}
