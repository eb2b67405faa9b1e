// Community coverage: per category the share of a community's residents
// within the 15-minute walk and the nearest outlet (GET
// /api/v1/communities/{id}/coverage), as a short popup and a full table.

import { api } from '../api';
import { categoryName } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatDistance, formatNumber } from '../format';
import { t } from '../i18n';
import { percent } from './tool';

export interface CategoryCoverage {
  category: string;
  tier: string;
  covered: number;
  uncovered: number;
  share: number;
  nearest_walk_m: number | null;
}

export interface CommunityCoverage {
  community: { id: number; name: string; population: number; covered: number; uncovered: number; share: number };
  budget_m: number;
  categories: CategoryCoverage[];
}

/** gaps are the basic categories some residents cannot reach on foot, worst first. */
export function gaps(c: CommunityCoverage): CategoryCoverage[] {
  return c.categories.filter((x) => x.tier === 'basic' && x.share < 1).sort((a, b) => a.share - b.share);
}

/** CoveragePanel shows the coverage of the community last clicked. */
export class CoveragePanel {
  readonly el = h('section', { class: 'coverage', hidden: true });
  private data: CommunityCoverage | null = null;
  private error = '';
  private name = '';
  private seq = 0;

  /** show loads a community's coverage and resolves to the popup content. */
  async show(id: number, name: string): Promise<HTMLElement> {
    const n = ++this.seq;
    this.name = name;
    this.data = null;
    this.error = '';
    this.render();
    try {
      const d = await api.get<CommunityCoverage>(`/api/v1/communities/${id}/coverage`);
      if (n === this.seq) this.data = d;
    } catch (e) {
      if (n === this.seq) this.error = describeError(e);
    }
    this.render();
    return this.popup();
  }

  private popup(): HTMLElement {
    const d = this.data;
    if (!d) return h('div', { class: 'coverage-popup' }, h('strong', {}, this.name), message(this.error || t('common.loading'), this.error ? 'error' : 'info'));
    const g = gaps(d);
    return h(
      'div',
      { class: 'coverage-popup' },
      h('strong', {}, d.community.name),
      h('div', {}, t('coverage.overall', { population: formatNumber(d.community.population), share: percent(d.community.share) })),
      g.length
        ? h('ul', { class: 'gap-list' }, g.map((x) => h('li', {}, `${categoryName(x.category)} ${percent(x.share)}`, x.nearest_walk_m != null ? ` · ${formatDistance(x.nearest_walk_m)}` : '')))
        : null,
    );
  }

  render(): void {
    this.el.hidden = !this.name;
    const d = this.data;
    fill(
      this.el,
      h('h3', {}, t('coverage.title', { name: d?.community.name ?? this.name })),
      this.error ? message(this.error, 'error') : null,
      !d && !this.error ? message(t('common.loading')) : null,
      d ? h('p', { class: 'hint' }, t('coverage.overall', { population: formatNumber(d.community.population), share: percent(d.community.share) })) : null,
      d
        ? h(
            'table',
            { class: 'table coverage-table' },
            h('thead', {}, h('tr', {}, h('th', {}, t('coverage.category')), h('th', { class: 'num' }, t('coverage.share')), h('th', { class: 'num' }, t('coverage.nearest')))),
            h(
              'tbody',
              {},
              d.categories.map((x) =>
                h(
                  'tr',
                  { class: x.share < 1 ? `short tier-${x.tier}` : `tier-${x.tier}`, 'data-category': x.category },
                  h('td', {}, categoryName(x.category)),
                  h('td', { class: 'num' }, h('span', { class: 'share-bar', style: `--share:${x.share}` }), percent(x.share)),
                  h('td', { class: 'num' }, x.nearest_walk_m != null ? formatDistance(x.nearest_walk_m) : t('coverage.none')),
                ),
              ),
            ),
          )
        : null,
    );
  }
}
