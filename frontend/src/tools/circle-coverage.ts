// A circle on the map: its 15-minute walking area from its centres, the
// communities it serves shaded by the share of residents inside, and the
// outlets inside by category (GET /api/v1/circles/{id}/coverage).

import { api } from '../api';
import { categoryName } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatArea, formatDistance, formatNumber } from '../format';
import { lang, t } from '../i18n';
import { shareStops } from '../legend';
import { boundsOf, type FeatureCollection } from '../shapes';
import { percent, type ToolHost } from './tool';

export interface CircleCoverageData {
  circle_id: number;
  name: string;
  polygon: GeoJSON.Geometry | null;
  area_m2: number;
  outlets: Record<string, { id: number; name: string; walk_m: number }[]>;
  communities: { id: number; name: string; population: number; covered: number; uncovered: number; share: number }[];
}

/** How many outlets of a category are named before "and N more". */
const shown = 3;

/** shareColor is the fill of a served community by the share of its residents within the walk. */
export const shareColor = ['interpolate', ['linear'], ['get', 'share'], ...shareStops.flat()];

export class CircleCoverage {
  readonly el = h('section', { class: 'circle-coverage', hidden: true });
  private data: CircleCoverageData | null = null;
  private error = '';
  private name = '';
  private seq = 0;

  constructor(
    private readonly host: ToolHost,
    /** geometry finds a community's outline by id */
    private readonly geometry: (id: number) => GeoJSON.Geometry | undefined,
  ) {
    host.layers.source('circle-area');
    host.layers.source('circle-served');
    // The walking area's tint goes under the served communities, so their shading keeps the legend's colours.
    host.layers.layer({ id: 'circle-area-fill', type: 'fill', source: 'circle-area', paint: { 'fill-color': '#6a1b9a', 'fill-opacity': 0.1 } });
    host.layers.layer({ id: 'circle-served-fill', type: 'fill', source: 'circle-served', paint: { 'fill-color': shareColor as never, 'fill-opacity': 0.55 } });
    host.layers.layer({ id: 'circle-served-line', type: 'line', source: 'circle-served', paint: { 'line-color': '#333333', 'line-width': 1.5 } });
    host.layers.layer({ id: 'circle-area-line', type: 'line', source: 'circle-area', paint: { 'line-color': '#6a1b9a', 'line-width': 2.5 } });
  }

  async show(id: number, name: string): Promise<void> {
    const n = ++this.seq;
    this.name = name;
    this.data = null;
    this.error = '';
    this.render();
    try {
      const d = await api.get<CircleCoverageData>(`/api/v1/circles/${id}/coverage`);
      if (n !== this.seq) return;
      this.data = d;
    } catch (e) {
      if (n !== this.seq) return;
      this.error = describeError(e);
    }
    this.draw();
    this.render();
  }

  private draw(): void {
    const d = this.data;
    const area: FeatureCollection = { type: 'FeatureCollection', features: d?.polygon ? [{ type: 'Feature', geometry: d.polygon, properties: {} }] : [] };
    const served: FeatureCollection = {
      type: 'FeatureCollection',
      features: (d?.communities ?? []).flatMap((c) => {
        const g = this.geometry(c.id);
        return g ? [{ type: 'Feature' as const, geometry: g, properties: { id: c.id, name: c.name, share: c.share } }] : [];
      }),
    };
    this.host.layers.source('circle-area', area);
    this.host.layers.source('circle-served', served);
    const b = boundsOf({ type: 'FeatureCollection', features: [...area.features, ...served.features] });
    if (b) this.host.map.fitBounds(b, { padding: 30, maxZoom: 16, duration: 0 });
  }

  render(): void {
    this.el.hidden = !this.name;
    const d = this.data;
    const cats = d ? Object.keys(d.outlets).sort((a, b) => categoryName(a).localeCompare(categoryName(b), 'zh')) : [];
    fill(
      this.el,
      h('h3', {}, t('circle.coverageTitle', { name: d?.name ?? this.name })),
      this.error ? message(this.error, 'error') : null,
      !d && !this.error ? message(t('common.loading')) : null,
      d ? h('p', { class: 'hint' }, t('circle.area', { area: formatArea(d.area_m2) })) : null,
      d
        ? h(
            'table',
            { class: 'table served' },
            h('caption', {}, t('circle.served')),
            h('thead', {}, h('tr', {}, h('th', {}, t('scenario.community')), h('th', { class: 'num' }, t('circle.population')), h('th', { class: 'num' }, t('circle.covered')))),
            h(
              'tbody',
              {},
              d.communities.map((c) =>
                h(
                  'tr',
                  { 'data-community': String(c.id) },
                  h('td', {}, c.name),
                  h('td', { class: 'num' }, formatNumber(c.population)),
                  h('td', { class: 'num' }, h('span', { class: 'share-bar', style: `--share:${c.share}` }), percent(c.share)),
                ),
              ),
            ),
          )
        : null,
      d ? h('h4', {}, t('circle.outlets')) : null,
      d && !cats.length ? message(t('circle.noOutlets')) : null,
      cats.length
        ? h(
            'dl',
            { class: 'circle-outlets' },
            cats.flatMap((c) => {
              const list = d!.outlets[c];
              return [
                h('dt', {}, `${categoryName(c)} (${list.length})`),
                h(
                  'dd',
                  {},
                  list.slice(0, shown).map((o) => `${o.name} ${formatDistance(o.walk_m)}`).join(lang() === 'zh' ? '；' : '; '),
                  list.length > shown ? ` ${t('circle.more', { count: list.length - shown })}` : '',
                ),
              ];
            }),
          )
        : null,
    );
  }
}
