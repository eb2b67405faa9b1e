// Evaluation results as the server computes them (package scoring), and how
// the views show their values.

import { formatNumber } from './format';
import { t } from './i18n';

/** EvaluationPreview is a scoring result (scoring.Result on the server). */
export interface EvaluationPreview {
  scheme: string;
  year: number;
  reconstructed?: boolean;
  total: number;
  max_total?: number;
  tier: string;
  tier_name?: string;
  tier_name_en?: string;
  tier_reason?: string;
  tier_reason_en?: string;
  indicators: {
    id: string;
    name: string;
    name_en?: string;
    value: number | boolean | string | null;
    unit?: string;
    points: number;
    max_points: number;
    explanation: string;
    explanation_en?: string;
  }[];
  gates?: { tier: string; condition?: string; held: boolean; message?: string; message_en?: string }[];
  award?: { eligible: boolean; cap_yuan: number; reason?: string; reason_en?: string };
}

/** defaultAward proposes the award cap when the result says the circle is eligible, else nothing. */
export function defaultAward(ev: { result?: EvaluationPreview }): number {
  return ev.result?.award?.eligible ? ev.result.award.cap_yuan : 0;
}

/** formatValue shows an indicator value: numbers rounded, booleans as yes/no, anything else as text. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
  if (v == null) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** formatIndicator shows an indicator value in its unit: shares as percentages, booleans as yes/no, m2 as m². */
export function formatIndicator(value: number | boolean | string | null, unit = ''): string {
  if (typeof value !== 'number') return formatValue(value);
  switch (unit) {
    case 'share':
      return `${formatNumber(value * 100)}%`;
    case 'bool':
      return formatValue(value !== 0);
    case 'count':
    case '':
      return formatNumber(value);
    case 'm2':
      return `${formatNumber(value)} m²`;
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}
