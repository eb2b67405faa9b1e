// 假设 What if: hypothetical outlets opened (click the map) or closed (click
// an outlet), and per community the coverage before and after (POST
// /api/v1/scenarios/coverage). Nothing is stored.

import type { MapMouseEvent } from 'maplibre-gl';
import { api, ApiError } from '../api';
import { categoryName, type Category } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatDistance, formatNumber } from '../format';
import { t } from '../i18n';
import type { FeatureCollection } from '../shapes';
import { percent, type ToolHost } from './tool';

interface Cover {
  covered: number;
  uncovered: number;
  share: number;
}

export interface ScenarioResult {
  categories: string[];
  communities: { id: number; name: string; population: number; coverage: Record<string, { before: Cover; after: Cover; change: number }> }[];
}

export interface ScenarioRow {
  community: string;
  category: string;
  before: number;
  after: number;
  change: number;
}

/** changedRows are the community and category pairs whose coverage changes, largest change first. */
export function changedRows(r: ScenarioResult): ScenarioRow[] {
  const rows: ScenarioRow[] = [];
  for (const c of r.communities) {
    for (const [category, v] of Object.entries(c.coverage)) {
      if (v.change !== 0) rows.push({ community: c.name, category, before: v.before.share, after: v.after.share, change: v.change });
    }
  }
  return rows.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.community.localeCompare(b.community, 'zh'));
}

type Mode = 'idle' | 'add' | 'remove';

export class ScenarioTool {
  readonly el = h('div', { class: 'tool scenario' });
  category = '';
  private mode: Mode = 'idle';
  private adds: { category: string; lon: number; lat: number }[] = [];
  private removes: { id: number; name: string; lon: number; lat: number }[] = [];
  private result: ScenarioResult | null = null;
  private error = '';
  private busy = false;

  constructor(
    private readonly host: ToolHost,
    private readonly cats: () => Category[],
  ) {
    host.layers.source('scenario');
    host.layers.layer({
      id: 'scenario-points',
      type: 'circle',
      source: 'scenario',
      paint: {
        'circle-radius': 8,
        'circle-color': ['case', ['==', ['get', 'kind'], 'add'], '#2ca25f', 'rgba(0,0,0,0)'],
        'circle-stroke-color': ['case', ['==', ['get', 'kind'], 'add'], '#ffffff', '#c62828'],
        'circle-stroke-width': 3,
      },
    });
  }

  /** click takes a map click while placing or closing outlets; it reports whether it used it. */
  click(e: MapMouseEvent): boolean {
    if (this.mode === 'add' && this.category) {
      this.adds.push({ category: this.category, lon: e.lngLat.lng, lat: e.lngLat.lat });
    } else if (this.mode === 'remove') {
      const layers = ['outlets-points'].filter((id) => this.host.map.getLayer(id));
      const f = this.host.map.queryRenderedFeatures(e.point, { layers })[0];
      const id = Number(f?.properties?.id);
      if (f && id && !this.removes.some((r) => r.id === id)) {
        const [lon, lat] = (f.geometry as GeoJSON.Point).coordinates;
        this.removes.push({ id, name: String(f.properties?.name ?? `#${id}`), lon, lat });
      }
    } else {
      return false;
    }
    this.changed();
    return true;
  }

  /** addSite puts a hypothetical outlet at a place, e.g. a suggested site. */
  addSite(category: string, lon: number, lat: number): void {
    this.category = category;
    this.adds.push({ category, lon, lat });
    (this.el.closest('details') as HTMLDetailsElement | null)?.setAttribute('open', '');
    this.changed();
  }

  leave(): void {
    this.setMode('idle');
  }

  private setMode(m: Mode): void {
    this.mode = m;
    this.host.map.getCanvas().style.cursor = m === 'idle' ? '' : 'crosshair';
    this.render();
  }

  private changed(): void {
    this.result = null;
    this.error = '';
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        ...this.adds.map((a) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [a.lon, a.lat] }, properties: { kind: 'add' } })),
        ...this.removes.map((r) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] }, properties: { kind: 'remove' } })),
      ],
    };
    this.host.layers.source('scenario', fc);
    this.render();
  }

  private async run(): Promise<void> {
    this.busy = true;
    this.error = '';
    this.render();
    try {
      this.result = await api.post<ScenarioResult>('/api/v1/scenarios/coverage', { add: this.adds, remove: this.removes.map((r) => r.id) });
    } catch (e) {
      this.result = null;
      this.error =
        e instanceof ApiError && e.status === 422 && typeof e.body?.distance_m === 'number'
          ? t('scenario.offNetwork', { distance: formatDistance(e.body.distance_m) })
          : describeError(e);
    }
    this.busy = false;
    this.render();
  }

  render(): void {
    const cats = this.cats();
    if (!this.category && cats.length) this.category = cats.find((c) => c.tier === 'basic')?.code ?? cats[0].code;
    const modeButton = (m: Mode, label: string) =>
      h('button', { type: 'button', class: 'small', 'data-mode': m, 'aria-pressed': String(this.mode === m), onclick: () => this.setMode(this.mode === m ? 'idle' : m) }, this.mode === m ? t('scenario.stop') : label);
    const rows = this.result ? changedRows(this.result) : [];
    const total = rows.reduce((s, r) => s + r.change, 0);
    fill(
      this.el,
      h('p', { class: 'hint' }, t('scenario.hint')),
      h(
        'label',
        { class: 'select' },
        t('scenario.category'),
        h(
          'select',
          { name: 'scenario-category', onchange: (e: Event) => (this.category = (e.target as HTMLSelectElement).value) },
          cats.map((c) => h('option', { value: c.code, selected: c.code === this.category }, categoryName(c.code, cats))),
        ),
      ),
      h('div', { class: 'row' }, modeButton('add', t('scenario.add')), modeButton('remove', t('scenario.remove'))),
      this.mode !== 'idle' ? message(t(this.mode === 'add' ? 'scenario.adding' : 'scenario.removing')) : null,
      this.adds.length || this.removes.length
        ? h(
            'ul',
            { class: 'scenario-sites' },
            this.adds.map((a, i) => h('li', { class: 'add' }, t('scenario.added', { category: categoryName(a.category, cats) }), ` (${a.lon.toFixed(4)}, ${a.lat.toFixed(4)}) `, this.dropButton(() => this.adds.splice(i, 1)))),
            this.removes.map((r, i) => h('li', { class: 'remove' }, t('scenario.removed', { name: r.name }), ' ', this.dropButton(() => this.removes.splice(i, 1)))),
          )
        : h('p', { class: 'hint' }, t('scenario.empty')),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'small run-scenario', disabled: this.busy || !(this.adds.length || this.removes.length), onclick: () => this.run() }, t('scenario.run')),
        h('button', { type: 'button', class: 'small secondary', disabled: !(this.adds.length || this.removes.length), onclick: () => { this.adds = []; this.removes = []; this.changed(); } }, t('scenario.clear')),
      ),
      this.busy ? message(t('common.loading')) : null,
      this.error ? message(this.error, 'error') : null,
      this.result && !rows.length ? message(t('scenario.noChange')) : null,
      rows.length
        ? h(
            'div',
            { class: 'scenario-result' },
            h('p', { class: 'score' }, t('scenario.total', { change: signed(total) })),
            h(
              'table',
              { class: 'table scenario-table' },
              h('thead', {}, h('tr', {}, h('th', {}, t('scenario.community')), h('th', {}, t('coverage.category')), h('th', { class: 'num' }, t('scenario.change')), h('th', { class: 'num' }, t('scenario.people')))),
              h(
                'tbody',
                {},
                rows.map((r) =>
                  h(
                    'tr',
                    { class: r.change > 0 ? 'gain' : 'loss' },
                    h('td', {}, r.community),
                    h('td', {}, categoryName(r.category, cats)),
                    h('td', { class: 'num' }, `${percent(r.before)} → ${percent(r.after)}`),
                    h('td', { class: 'num' }, signed(r.change)),
                  ),
                ),
              ),
            ),
          )
        : null,
    );
  }

  private dropButton(drop: () => void): HTMLElement {
    return h('button', { type: 'button', class: 'link drop', 'aria-label': t('scenario.drop'), onclick: () => { drop(); this.changed(); } }, '×');
  }
}

function signed(n: number): string {
  return n > 0 ? `+${formatNumber(n)}` : formatNumber(n);
}
