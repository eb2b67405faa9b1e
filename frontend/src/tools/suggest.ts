// 建议选址 Suggested sites: where new outlets of a basic category would reach
// the most uncovered residents of a district (GET /api/v1/suggest), drawn as
// numbered markers with the cells each one adds.

import { api } from '../api';
import { categoryName } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { t } from '../i18n';
import { maplibregl } from '../map';
import { cellPolygon, type FeatureCollection } from '../shapes';
import type { ToolHost } from './tool';

export interface Suggestion {
  rank: number;
  cell: string;
  lon: number;
  lat: number;
  added_population: number;
  covers?: string[];
}

/** suggestionCells are the cells each suggestion adds, as polygons tagged with its rank. */
export function suggestionCells(list: Suggestion[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: list.flatMap((s) => (s.covers ?? []).map((c) => ({ type: 'Feature' as const, geometry: cellPolygon(c), properties: { rank: s.rank } }))),
  };
}

export class SuggestTool {
  readonly el = h('div', { class: 'tool suggest' });
  district = '';
  private list: Suggestion[] | null = null;
  /** the category the current list is for */
  private listCategory = '';
  private error = '';
  private busy = false;
  private markers: maplibregl.Marker[] = [];

  constructor(
    private readonly host: ToolHost,
    private readonly districts: () => { code: string; name: string }[],
    /** category is the basic category chosen for the gap layer */
    private readonly category: () => string,
    /** tryIt hands a suggested site to the what-if tool */
    private readonly tryIt: (category: string, lon: number, lat: number) => void,
    /** changed tells the view the sites on the map changed (for its legend) */
    private readonly changed: () => void = () => {},
  ) {
    host.layers.source('suggest-cells');
    host.layers.layer({ id: 'suggest-cells-fill', type: 'fill', source: 'suggest-cells', paint: { 'fill-color': '#2ca25f', 'fill-opacity': 0.28 } });
  }

  async run(category: string): Promise<void> {
    this.listCategory = category;
    this.busy = true;
    this.error = '';
    this.render();
    try {
      const d = await api.get<{ suggestions: Suggestion[] }>('/api/v1/suggest', { category, district: this.district, n: 5 });
      this.list = d.suggestions ?? [];
    } catch (e) {
      this.list = null;
      this.error = describeError(e);
    }
    this.busy = false;
    this.draw();
    this.render();
    this.changed();
  }

  clear(): void {
    this.list = null;
    this.error = '';
    this.draw();
    this.render();
    this.changed();
  }

  /** hasSites reports whether suggested sites are on the map. */
  hasSites(): boolean {
    return !!this.list?.length;
  }

  leave(): void {
    for (const m of this.markers) m.remove();
    this.markers = [];
  }

  private draw(): void {
    this.leave();
    const list = this.list ?? [];
    this.host.layers.source('suggest-cells', suggestionCells(list));
    for (const s of list) {
      const el = h('div', { class: 'site-marker', title: t('suggest.adds', { count: formatNumber(s.added_population) }) }, String(s.rank));
      this.markers.push(new maplibregl.Marker({ element: el }).setLngLat([s.lon, s.lat]).addTo(this.host.map));
    }
    if (list.length) {
      const b = new maplibregl.LngLatBounds();
      for (const s of list) b.extend([s.lon, s.lat]);
      this.host.map.fitBounds(b, { padding: 60, maxZoom: 14, duration: 0 });
    }
  }

  render(): void {
    const category = this.category();
    const ds = this.districts();
    if (!this.district && ds.length) this.district = ds[0].code;
    fill(
      this.el,
      h('p', { class: 'hint' }, t('suggest.hint')),
      h(
        'div',
        { class: 'row' },
        h(
          'label',
          { class: 'select' },
          t('suggest.district'),
          h(
            'select',
            { name: 'district', onchange: (e: Event) => (this.district = (e.target as HTMLSelectElement).value) },
            ds.map((d) => h('option', { value: d.code, selected: d.code === this.district }, d.name)),
          ),
        ),
        h('button', { type: 'button', class: 'small run-suggest', disabled: this.busy || !category || !this.district, onclick: () => this.run(category) }, t('suggest.run')),
      ),
      this.busy ? message(t('common.loading')) : null,
      this.error ? message(this.error, 'error') : null,
      this.list && !this.list.length ? message(t('suggest.none')) : null,
      this.list?.length
        ? h(
            'ol',
            { class: 'sites', 'aria-label': `${t('suggest.title')} · ${categoryName(this.listCategory)}` },
            this.list.map((s) =>
              h(
                'li',
                { 'data-rank': String(s.rank) },
                h('span', { class: 'site-num' }, String(s.rank)),
                h('span', {}, categoryName(this.listCategory), ' · ', t('suggest.adds', { count: formatNumber(s.added_population) })),
                h('button', { type: 'button', class: 'small secondary', onclick: () => this.tryIt(this.listCategory, s.lon, s.lat) }, t('suggest.tryIt')),
              ),
            ),
          )
        : null,
    );
  }
}
