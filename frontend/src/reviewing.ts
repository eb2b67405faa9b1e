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
  /** the certification itself must fall in an award year */
  must_be_certified_in_year?: boolean;
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
 * awardFor is the award the scheme allows an evaluation certified at now:
 * the cap when its tier is the award's tier in one of the award years (and,
 * when the scheme says so, now is in an award year too), and the result
 * does not say the circle is ineligible (already awarded); 0 otherwise.
 */
export function awardFor(e: Evaluation, rule: AwardRule | null | undefined, now = new Date()): number {
  if (!rule || e.tier !== rule.tier || !rule.years.includes(e.year)) return 0;
  if (rule.must_be_certified_in_year && !rule.years.includes(now.getFullYear())) return 0;
  if (e.result?.award && e.result.award.eligible === false) return 0;
  return rule.cap_yuan;
}

/** awardRule reads the award of a scheme as GET /api/v1/schemes/{code} returns it. */
export function awardRule(scheme: unknown): AwardRule | null {
  const doc = (scheme as { document?: { award?: unknown } } | null)?.document;
  const a = doc?.award as Partial<AwardRule> | undefined;
  if (!a || typeof a.tier !== 'string' || !Array.isArray(a.years) || typeof a.cap_yuan !== 'number') return null;
  return { tier: a.tier, years: a.years.map(Number), cap_yuan: a.cap_yuan, once_per_circle: !!a.once_per_circle, must_be_certified_in_year: !!a.must_be_certified_in_year };
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

/** Change is one line of "changed since submission". */
export interface Change {
  text: string;
  kind?: 'community' | 'outlet' | 'check' | 'note';
}

interface ChangesAnswer {
  submitted_at?: string | null;
  communities?: { id: number; name: string; updated_at?: string; changed?: boolean; implausible?: string[] }[];
  outlets?: { id: number; name: string; category: string; status?: string; updated_at?: string; walk_m?: number | null }[];
}

/** when formats a timestamp for the history and the changes, in the current language. */
export function when(at: string | null | undefined): string {
  const ms = Date.parse(at ?? '');
  if (!Number.isFinite(ms)) return at ?? '';
  return new Intl.DateTimeFormat(lang() === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

/** implausibleText words the server's doubts about a community's figures in the current language. */
export function implausibleText(why: string): string {
  let m = why.match(/^(\d+) residents in ([\d.]+) m² of buildings is ([\d.]+) m² each, below the plausible ([\d.]+) m²$/);
  if (m) return t('rv.ch.whyFloor', { population: m[1], area: m[2], each: m[3], min: m[4] });
  m = why.match(/^([\d.]+) residents per household is more than plausible$/);
  if (m) return t('rv.ch.whyHousehold', { n: m[1] });
  return why;
}

/**
 * changesOf reads GET /api/v1/evaluations/{id}/changes: the served
 * communities written after the submission or with doubtful figures, and
 * the outlets around the centres written after it. Another shape — a list,
 * or an object holding one (changes, items) — is shown entry by entry.
 * name(category) names an outlet category; distance(m) words a walk.
 */
export function changesOf(data: unknown, name: (category: string) => string = (c) => c, distance: (m: number) => string = (m) => `${Math.round(m)} m`): Change[] {
  const obj = data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
  if (obj && !Array.isArray(data) && (Array.isArray(obj.communities) || Array.isArray(obj.outlets))) {
    const a = obj as ChangesAnswer;
    if (!a.submitted_at) return [{ text: t('rv.ch.notSubmitted'), kind: 'note' }];
    const out: Change[] = [];
    for (const c of a.communities ?? []) {
      if (c.changed) out.push({ text: t('rv.ch.community', { name: c.name, at: when(c.updated_at) }), kind: 'community' });
      for (const why of c.implausible ?? []) out.push({ text: t('rv.ch.check', { name: c.name, why: implausibleText(why) }), kind: 'check' });
    }
    for (const o of a.outlets ?? []) {
      const vars = { name: o.name, category: name(o.category), at: when(o.updated_at), walk: o.walk_m == null ? '' : distance(o.walk_m) };
      const key = o.status === 'closed' ? 'rv.ch.outletClosed' : o.walk_m == null ? 'rv.ch.outletFar' : 'rv.ch.outlet';
      out.push({ text: t(key, vars), kind: 'outlet' });
    }
    return out;
  }
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
