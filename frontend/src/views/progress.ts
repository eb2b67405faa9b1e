// 进度 Progress view: circles built and certified high-quality against the
// yearly targets, for the city and per district, with the award money, and
// the Excel workbook to download.

import { api } from '../api';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatNumber, formatYuan } from '../format';
import { t } from '../i18n';
import { hasBudget, latest, share, type Progress, type ProgressDistrict, type ProgressYear } from '../progress';
import type { Context, View } from './view';

/** bar is a horizontal bar of value against target with its text. */
function bar(value: number, target: number | null | undefined, text = (v: string) => v): HTMLElement {
  const s = share(value, target);
  const label = s === null ? t('progress.noTarget', { value: text(formatNumber(value)) }) : t('progress.ofTarget', { value: text(formatNumber(value)), target: text(formatNumber(target!)) });
  return h(
    'div',
    { class: 'bar', title: label },
    h('div', { class: 'bar-track' }, h('span', { class: s === 1 ? 'bar-fill done' : 'bar-fill', style: `width:${((s ?? 0) * 100).toFixed(1)}%` })),
    h('span', { class: 'bar-label' }, label),
  );
}

function money(value: number, budget: number | null | undefined): HTMLElement {
  if (typeof budget === 'number' && budget > 0) {
    return h(
      'div',
      { class: 'bar' },
      h('div', { class: 'bar-track' }, h('span', { class: 'bar-fill money', style: `width:${((share(value, budget) ?? 0) * 100).toFixed(1)}%` })),
      h('span', { class: 'bar-label' }, t('progress.ofBudget', { value: formatYuan(value), budget: formatYuan(budget) })),
    );
  }
  return h('span', {}, formatYuan(value));
}

export class ProgressView implements View {
  needsLogin = true;
  wide = true;
  noMap = true;
  private ctx!: Context;
  private data: Progress | null = null;
  private error = '';

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.render();
    api
      .get<Progress>('/api/v1/progress')
      .then((p) => {
        this.data = p;
        this.error = '';
      })
      .catch((e) => {
        this.error = describeError(e);
      })
      .finally(() => this.render());
  }

  leave(): void {}

  render(): void {
    const p = this.data;
    fill(
      this.ctx.panel,
      h('h2', {}, t('progress.title')),
      h('a', { class: 'download', href: '/api/v1/reports/progress.xlsx', download: '' }, t('progress.download')),
      this.error ? message(this.error, 'error') : null,
      !p && !this.error ? message(t('common.loading')) : null,
      p ? this.summary(p.city) : null,
      p ? h('h3', {}, t('progress.byYear'), ' · ', p.city.name || t('progress.city')) : null,
      p ? this.yearTable(p) : null,
      p?.districts?.length ? h('h3', {}, t('progress.byDistrict')) : null,
      p?.districts?.length ? this.districtTable(p) : null,
      p ? h('p', { class: 'hint' }, t('progress.note')) : null,
    );
  }

  private summary(city: ProgressDistrict): HTMLElement | null {
    const y = latest(city);
    if (!y) return null;
    const card = (title: string, body: HTMLElement) => h('div', { class: 'card' }, h('div', { class: 'card-title' }, title), body);
    return h(
      'div',
      { class: 'cards', 'data-year': String(y.year) },
      card(`${t('progress.builtToDate')} · ${y.year}`, bar(y.circles_built_to_date, y.target_circles_to_date)),
      card(`${t('progress.hqToDate')} · ${y.year}`, bar(y.high_quality_certified_to_date, y.target_high_quality_to_date)),
      card(`${t('progress.awardToDate')} · ${y.year}`, money(y.award_committed_yuan_to_date, y.award_budget_yuan_to_date)),
    );
  }

  private yearTable(p: Progress): HTMLElement {
    const budget = hasBudget(p);
    const rows = p.city.years.slice().sort((a, b) => a.year - b.year);
    return h(
      'table',
      { class: 'table progress-years' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, t('progress.year')), h('th', {}, t('progress.built')), h('th', {}, t('progress.hq')), h('th', {}, budget ? `${t('progress.award')} / ${t('progress.budget')}` : t('progress.award'))),
      ),
      h(
        'tbody',
        {},
        rows.map((y: ProgressYear) =>
          h(
            'tr',
            { 'data-year': String(y.year) },
            h('th', { scope: 'row' }, String(y.year)),
            h('td', {}, bar(y.circles_built, y.target_circles), h('div', { class: 'cum' }, t('progress.cumulative', { year: y.year }), ' ', bar(y.circles_built_to_date, y.target_circles_to_date))),
            h('td', {}, bar(y.high_quality_certified, y.target_high_quality), h('div', { class: 'cum' }, t('progress.cumulative', { year: y.year }), ' ', bar(y.high_quality_certified_to_date, y.target_high_quality_to_date))),
            h('td', {}, money(y.award_committed_yuan, y.award_budget_yuan)),
          ),
        ),
      ),
    );
  }

  private districtTable(p: Progress): HTMLElement {
    const years = p.years.slice().sort((a, b) => a - b);
    return h(
      'table',
      { class: 'table progress-districts' },
      h('thead', {}, h('tr', {}, h('th', {}, t('progress.district')), h('th', {}, t('progress.built')), h('th', {}, t('progress.hq')), h('th', {}, t('progress.award')))),
      h(
        'tbody',
        {},
        (p.districts ?? []).map((d) => {
          const y = latest(d);
          const perYear = (pick: (r: ProgressYear) => string) =>
            h('div', { class: 'per-year' }, years.map((yr) => {
              const r = d.years.find((x) => x.year === yr);
              return r ? h('span', {}, `${yr}: ${pick(r)}`) : null;
            }));
          return h(
            'tr',
            { 'data-district': d.district },
            h('th', { scope: 'row' }, d.name || d.district),
            h('td', {}, y ? bar(y.circles_built_to_date, y.target_circles_to_date) : '—', perYear((r) => `${r.circles_built}/${r.target_circles ?? '—'}`)),
            h('td', {}, y ? bar(y.high_quality_certified_to_date, y.target_high_quality_to_date) : '—', perYear((r) => `${r.high_quality_certified}/${r.target_high_quality ?? '—'}`)),
            h('td', {}, y ? money(y.award_committed_yuan_to_date, y.award_budget_yuan_to_date) : '—'),
          );
        }),
      ),
    );
  }
}
