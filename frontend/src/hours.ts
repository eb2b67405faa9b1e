// Opening hours: the common forms of OSM's opening_hours value, parsed for
// plain-language display ("周一至周五 15:00–21:00") and for an open / closed
// status worked out in the browser. A value in any other form is shown as it
// was written and gets no status.

import type { Lang } from './i18n';

/** A span of opening time in minutes from the day's midnight; `to` may pass 1440 (open past midnight). */
export interface Span {
  from: number;
  to: number;
}

/** One rule of a value: the days it names (0 = Sunday … 6 = Saturday, as written) and their spans. */
export interface Rule {
  /** day groups as written: a single day [d, d] or a range [from, to] */
  days: [number, number][] | null;
  spans: Span[];
  off: boolean;
}

export interface Hours {
  always: boolean;
  rules: Rule[];
  /** the spans of each weekday (0 = Sunday) after later rules replaced earlier ones */
  week: Span[][];
}

const dayCodes: Record<string, number> = { Su: 0, Mo: 1, Tu: 2, We: 3, Th: 4, Fr: 5, Sa: 6 };
const dayMinutes = 24 * 60;
const weekMinutes = 7 * dayMinutes;

function parseTime(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

function parseSpans(s: string): Span[] | null {
  const spans: Span[] = [];
  for (const part of s.split(',')) {
    const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!m) return null;
    const from = parseTime(m[1]);
    let to = parseTime(m[2]);
    if (from === null || to === null || from === dayMinutes) return null;
    if (to <= from) to += dayMinutes; // past midnight
    spans.push({ from, to });
  }
  return spans;
}

function parseDays(s: string): [number, number][] | null {
  const groups: [number, number][] = [];
  for (const part of s.split(',')) {
    const m = /^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$/.exec(part.trim());
    if (!m) return null;
    groups.push([dayCodes[m[1]], dayCodes[m[2] ?? m[1]]]);
  }
  return groups;
}

/** daysOf lists the weekdays a group names; a range may wrap past Sunday ("Sa-Mo"). */
function daysOf(groups: [number, number][] | null): number[] {
  if (!groups) return [0, 1, 2, 3, 4, 5, 6];
  const out: number[] = [];
  for (const [a, b] of groups) {
    // Monday-first order: Mo=0 … Su=6
    const from = (a + 6) % 7;
    const to = (b + 6) % 7;
    for (let i = from; ; i = (i + 1) % 7) {
      out.push((i + 1) % 7);
      if (i === to) break;
    }
  }
  return [...new Set(out)];
}

/** parseHours reads an OSM opening_hours value, or returns null for forms it does not know. */
export function parseHours(value: string | null | undefined): Hours | null {
  const s = (value ?? '').trim();
  if (!s) return null;
  const week: Span[][] = Array.from({ length: 7 }, () => []);
  if (s === '24/7') {
    for (const d of week) d.push({ from: 0, to: dayMinutes });
    return { always: true, rules: [], week };
  }
  const rules: Rule[] = [];
  for (const raw of s.split(';')) {
    const text = raw.trim();
    if (!text) continue;
    const m = /^(?:((?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?(?:\s*,\s*(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)\s+)?(.+)$/.exec(text);
    if (!m) return null;
    const days = m[1] ? parseDays(m[1].replace(/\s+/g, '')) : null;
    if (m[1] && !days) return null;
    const rest = m[2].trim();
    let rule: Rule;
    if (rest === 'off' || rest === 'closed') rule = { days, spans: [], off: true };
    else {
      const spans = parseSpans(rest);
      if (!spans) return null;
      rule = { days, spans, off: false };
    }
    rules.push(rule);
    for (const d of daysOf(days)) week[d] = rule.spans.slice();
  }
  if (!rules.length) return null;
  const always = week.every((d) => d.some((x) => x.from === 0 && x.to >= dayMinutes));
  return { always, rules, week };
}

const zhDays = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const enDays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function clock(minutes: number): string {
  const m = minutes % dayMinutes === 0 && minutes > 0 ? dayMinutes : minutes % dayMinutes;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function spanText(s: Span, l: Lang): string {
  const next = s.to > dayMinutes ? (l === 'zh' ? '次日 ' : 'next day ') : '';
  return `${clock(s.from)}–${next}${clock(s.to)}`;
}

function isEveryDay(groups: [number, number][] | null): boolean {
  return daysOf(groups).length === 7;
}

function daysText(groups: [number, number][] | null, l: Lang): string {
  if (isEveryDay(groups)) return l === 'zh' ? '每天' : 'Daily';
  const names = l === 'zh' ? zhDays : enDays;
  return groups!
    .map(([a, b]) => (a === b ? names[a] : l === 'zh' ? `${names[a]}至${names[b]}` : `${names[a]}–${names[b]}`))
    .join(l === 'zh' ? '、' : ', ');
}

/**
 * formatHours writes a value in plain words: "Mo-Fr 15:00-21:00; Sa,Su
 * 08:30-20:00" becomes "周一至周五 15:00–21:00；周六、周日 08:30–20:00".
 * A value it cannot read comes back unchanged.
 */
export function formatHours(value: string | null | undefined, l: Lang = 'zh'): string {
  const raw = (value ?? '').trim();
  const h = parseHours(raw);
  if (!h) return raw;
  const allDay = l === 'zh' ? '24 小时营业' : 'Open 24 hours';
  if (h.always && (h.rules.length === 0 || h.rules.every((r) => isEveryDay(r.days)))) return allDay;
  return h.rules
    .map((r) => {
      const days = daysText(r.days, l);
      if (r.off) return `${days} ${l === 'zh' ? '休息' : 'closed'}`;
      if (r.spans.length === 1 && r.spans[0].from === 0 && r.spans[0].to === dayMinutes) return `${days} ${l === 'zh' ? '24 小时' : '24 hours'}`;
      return `${days} ${r.spans.map((s) => spanText(s, l)).join(l === 'zh' ? '、' : ', ')}`;
    })
    .join(l === 'zh' ? '；' : '; ');
}

/** The city keeps China Standard Time (UTC+8) all year, whatever zone the browser is in. */
const chinaOffsetMinutes = 8 * 60;

/** chinaWeekMinute is the minute of the week (0 = Sunday 00:00) of now in China Standard Time. */
export function chinaWeekMinute(now: Date): number {
  const t = new Date(now.getTime() + chinaOffsetMinutes * 60_000);
  return t.getUTCDay() * dayMinutes + t.getUTCHours() * 60 + t.getUTCMinutes();
}

/** intervals lays the week's spans on a timeline of three weeks, merged where they touch. */
function intervals(h: Hours): Span[] {
  const list: Span[] = [];
  for (let w = 0; w < 3; w++)
    for (let d = 0; d < 7; d++)
      for (const s of h.week[d]) list.push({ from: w * weekMinutes + d * dayMinutes + s.from, to: w * weekMinutes + d * dayMinutes + s.to });
  list.sort((a, b) => a.from - b.from);
  const merged: Span[] = [];
  for (const s of list) {
    const last = merged[merged.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}

export interface HoursStatus {
  open: boolean;
  /** open around the clock: no change to name */
  always: boolean;
  /** when it next closes (if open) or opens (if closed): days from today (0 today, 1 tomorrow …) and the clock time */
  change?: { days: number; weekday: number; minutes: number };
}

/** hoursStatus says whether h is open at now (China Standard Time) and when that next changes. */
export function hoursStatus(h: Hours, now: Date): HoursStatus {
  if (h.always) return { open: true, always: true };
  const m = weekMinutes + chinaWeekMinute(now); // in the middle week
  const spans = intervals(h);
  const at = (minute: number) => {
    const day = Math.floor(minute / dayMinutes);
    return { days: day - Math.floor(m / dayMinutes), weekday: day % 7, minutes: minute % dayMinutes };
  };
  const inside = spans.find((s) => s.from <= m && m < s.to);
  if (inside) {
    if (inside.to - m >= weekMinutes) return { open: true, always: true };
    return { open: true, always: false, change: at(inside.to) };
  }
  const next = spans.find((s) => s.from > m);
  return next ? { open: false, always: false, change: at(next.from) } : { open: false, always: false };
}

function whenText(c: NonNullable<HoursStatus['change']>, l: Lang, closing: boolean): string {
  const time = clock(c.minutes === 0 && closing ? dayMinutes : c.minutes);
  // Midnight closing belongs to the day before: "24:00", not "tomorrow 00:00".
  const days = c.minutes === 0 && closing ? c.days - 1 : c.days;
  const weekday = c.minutes === 0 && closing ? (c.weekday + 6) % 7 : c.weekday;
  if (days === 0) return closing ? time : l === 'zh' ? `今天 ${time}` : `today ${time}`;
  if (days === 1) return l === 'zh' ? `明天 ${time}` : `tomorrow ${time}`;
  return `${(l === 'zh' ? zhDays : enDays)[weekday]} ${time}`;
}

/**
 * statusText is the open / closed line for a value at now: "营业中 · 21:00 打烊",
 * "已打烊 · 明天 08:30 开门", "营业中 · 24 小时"; empty when the value cannot be read.
 */
export function statusText(value: string | null | undefined, now: Date, l: Lang = 'zh'): { open: boolean; text: string } | null {
  const h = parseHours(value);
  if (!h) return null;
  const st = hoursStatus(h, now);
  const zh = l === 'zh';
  if (st.open) {
    if (st.always || !st.change) return { open: true, text: zh ? '营业中 · 24 小时' : 'Open · 24 hours' };
    const when = whenText(st.change, l, true);
    return { open: true, text: zh ? `营业中 · ${when} 打烊` : `Open · closes ${when}` };
  }
  if (!st.change) return { open: false, text: zh ? '已打烊' : 'Closed' };
  const when = whenText(st.change, l, false);
  return { open: false, text: zh ? `已打烊 · ${when} 开门` : `Closed · opens ${when}` };
}
