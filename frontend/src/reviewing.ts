// The rules of the reviewer's workspace that need no page: which evaluations
// wait in which queue and in what order, how many per district, what award
// the scheme allows, and how the audit trail's comments read.

import type { EvaluationPreview } from './evaluation';
import { lang, t } from './i18n';

/** Evaluation is a stored evaluation as GET /api/v1/evaluations returns it. */
export interface Evaluation {
  id: number;
  circle_id: number;
  district: string;
  scheme: string;
  year: number;
  status: string;
  version: number;
  total: number;
  tier: string;
  award_yuan?: number;
  created_by?: string;
  created_at?: string;
  updated_at?: string;
  certified_at?: string;
  submitted?: Submitted;
  result?: EvaluationPreview;
}

/** Submitted holds the values a district entered. */
export interface Submitted {
  satisfaction_rate?: number;
  survey_sample_size?: number;
  management_system?: boolean;
  complaint_channel?: boolean;
  complaints_received?: number;
  complaints_resolved?: number;
  evidence?: { indicator: string; ref: string; note?: string }[];
}

/** EvaluationEvent is one step of an evaluation's audit trail. */
export interface EvaluationEvent {
  id: number;
  actor: string;
  at: string;
  from?: string;
  to: string;
  comment?: string;
}

/** AwardRule is the award a scheme promises (scoring.AwardRule). */
export interface AwardRule {
  tier: string;
  years: number[];
  cap_yuan: number;
  once_per_circle?: boolean;
}

/** The queues a reviewer works through, in the order of the workflow. */
export const queueStatuses = ['submitted', 'approved', 'returned', 'certified'] as const;
export type QueueStatus = (typeof queueStatuses)[number];

/** since is when an evaluation entered its status: its last change, since none is possible while it waits. */
export function since(e: Evaluation): number {
  const at = Date.parse(e.updated_at ?? e.created_at ?? '');
  return Number.isFinite(at) ? at : 0;
}

/** queue lists the evaluations in status, the longest waiting first (ties by id). */
export function queue(all: Evaluation[], status: string): Evaluation[] {
  return all.filter((e) => e.status === status).sort((a, b) => since(a) - since(b) || a.id - b.id);
}

/** countsByDistrict counts evaluations per district code, in code order. */
export function countsByDistrict(es: Evaluation[]): { district: string; count: number }[] {
  const n = new Map<string, number>();
  for (const e of es) n.set(e.district, (n.get(e.district) ?? 0) + 1);
  return [...n].sort(([a], [b]) => a.localeCompare(b)).map(([district, count]) => ({ district, count }));
}

/** waitingDays is how many whole days an evaluation has waited by now. */
export function waitingDays(e: Evaluation, now = Date.now()): number {
  const at = since(e);
  return at ? Math.max(0, Math.floor((now - at) / 86_400_000)) : 0;
}

/**
 * awardFor is the award the scheme allows an evaluation: the cap when its
 * tier is the award's tier in one of the award years, and the result does
 * not say the circle is ineligible (already awarded); 0 otherwise.
 */
export function awardFor(e: Evaluation, rule: AwardRule | null | undefined): number {
  if (!rule || e.tier !== rule.tier || !rule.years.includes(e.year)) return 0;
  if (e.result?.award && e.result.award.eligible === false) return 0;
  return rule.cap_yuan;
}

/** awardRule reads the award of a scheme as GET /api/v1/schemes/{code} returns it. */
export function awardRule(scheme: unknown): AwardRule | null {
  const doc = (scheme as { document?: { award?: unknown } } | null)?.document;
  const a = doc?.award as Partial<AwardRule> | undefined;
  if (!a || typeof a.tier !== 'string' || !Array.isArray(a.years) || typeof a.cap_yuan !== 'number') return null;
  return { tier: a.tier, years: a.years.map(Number), cap_yuan: a.cap_yuan, once_per_circle: !!a.once_per_circle };
}

/** eventComment reads the comments the server writes itself in the current language; people's comments stay as written. */
export function eventComment(comment = ''): string {
  if (comment === 'created') return t('rv.event.created');
  if (comment === 'submitted values changed') return t('rv.event.edited');
  const m = comment.match(/^evidence attached: (.+) \(\/api\/v1\/evidence\/\d+\)$/);
  if (m) return t('rv.event.evidence', { name: m[1] });
  return comment;
}

/** previewKind tells which evidence files the workspace shows in place, and how. */
export function previewKind(contentType = '', name = ''): 'image' | 'pdf' | null {
  if (/^image\/(png|jpeg)$/.test(contentType) || (!contentType && /\.(png|jpe?g)$/i.test(name))) return 'image';
  if (contentType === 'application/pdf' || (!contentType && /\.pdf$/i.test(name))) return 'pdf';
  return null;
}

/** Change is one line of "changed since submission", whatever shape the server gives it. */
export interface Change {
  text: string;
}

/**
 * changesOf reads GET /api/v1/evaluations/{id}/changes: a list, or an object
 * holding one (changes, items), of entries that describe themselves
 * (message, summary, description) or are shown as their fields.
 */
export function changesOf(data: unknown): Change[] {
  const obj = data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
  const list = Array.isArray(data) ? data : Array.isArray(obj?.changes) ? obj!.changes : Array.isArray(obj?.items) ? obj!.items : null;
  if (!list) return [];
  return (list as unknown[]).map((c) => {
    if (typeof c === 'string') return { text: c };
    const r = (c ?? {}) as Record<string, unknown>;
    const keys = lang() === 'en' ? ['message_en', 'message', 'summary', 'description', 'text', 'message_zh'] : ['message_zh', 'message', 'summary', 'description', 'text', 'message_en'];
    for (const k of keys) if (typeof r[k] === 'string' && r[k]) return { text: String(r[k]) };
    const parts = Object.entries(r)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
      .map(([k, v]) => `${k}: ${String(v)}`);
    return { text: parts.join(' · ') };
  });
}
