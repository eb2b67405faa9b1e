// 步行范围 Walking area: click a place on the planner's map to see how far a
// 5, 10 and 15-minute walk from it reaches (GET /api/v1/isochrone).

import type { MapMouseEvent } from 'maplibre-gl';
import { api, ApiError } from '../api';
import { addBandLayers, bandCollection, innerBands, type BandResult } from '../bands';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatArea, formatDistance } from '../format';
import { t } from '../i18n';
import { maplibregl } from '../map';
import { boundsOf } from '../shapes';
import type { ToolHost } from './tool';

const minutes = 15;

export class WalkTool {
  readonly el = h('div', { class: 'tool walk' });
  private picking = false;
  private busy = false;
  private error = '';
  private area = 0;
  /** the minutes of the bands drawn, nearest first */
  bands: number[] = [];
  private marker: maplibregl.Marker | null = null;

  constructor(
    private readonly host: ToolHost,
    /** changed tells the view the bands on the map changed (for its legend) */
    private readonly changed: () => void,
    /** padding keeps the walking area clear of what covers the map's edges */
    private readonly padding: () => number | { top: number; bottom: number; left: number; right: number } = () => 60,
  ) {
    host.layers.source('walk');
    // Over the gap layer, under communities, outlets and circles.
    addBandLayers(host.layers, 'walk', minutes, 'communities-fill');
  }

  /** click takes a map click while picking a place; it reports whether it used it. */
  click(e: MapMouseEvent): boolean {
    if (!this.picking) return false;
    this.run([e.lngLat.lng, e.lngLat.lat]);
    return true;
  }

  private async run(p: [number, number]): Promise<void> {
    this.marker ??= new maplibregl.Marker({ color: '#08589e' });
    this.marker.setLngLat(p).addTo(this.host.map);
    this.busy = true;
    this.error = '';
    this.render();
    const q = { lon: p[0].toFixed(6), lat: p[1].toFixed(6), minutes };
    const [outer, ...inner] = await Promise.allSettled([api.get<{ polygon: BandResult['polygon']; area_m2?: number }>('/api/v1/isochrone', q), ...innerBands(q, minutes)]);
    this.busy = false;
    if (outer.status === 'fulfilled') {
      const fc = bandCollection([{ minutes, polygon: outer.value.polygon }, ...inner.flatMap((b) => (b.status === 'fulfilled' && b.value ? [b.value as BandResult] : []))]);
      this.host.layers.source('walk', fc);
      this.bands = fc.features.map((f) => Number(f.properties.minutes)).sort((a, b) => a - b);
      this.area = outer.value.area_m2 ?? 0;
      const b = boundsOf({ type: 'FeatureCollection', features: fc.features.slice(0, 1) });
      if (b) this.host.map.fitBounds(b, { padding: this.padding(), maxZoom: 16, duration: 500 });
    } else {
      const e = outer.reason;
      this.error = e instanceof ApiError && e.status === 422 && typeof e.body?.distance_m === 'number' ? t('resident.offNetwork', { distance: formatDistance(e.body.distance_m) }) : describeError(e);
      this.host.layers.source('walk');
      this.bands = [];
    }
    this.render();
    this.changed();
  }

  private setPicking(on: boolean): void {
    this.picking = on;
    this.host.map.getCanvas().style.cursor = on ? 'crosshair' : '';
    this.render();
  }

  clear(): void {
    this.host.layers.source('walk');
    this.bands = [];
    this.error = '';
    this.marker?.remove();
    this.marker = null;
    this.render();
    this.changed();
  }

  leave(): void {
    this.picking = false;
    this.marker?.remove();
    this.marker = null;
    this.bands = [];
  }

  render(): void {
    fill(
      this.el,
      h('p', { class: 'hint small' }, t('walk.hint')),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'small pick-walk', 'aria-pressed': String(this.picking), onclick: () => this.setPicking(!this.picking) }, t(this.picking ? 'walk.stop' : 'walk.pick')),
        this.bands.length ? h('button', { type: 'button', class: 'small secondary', onclick: () => this.clear() }, t('walk.clear')) : null,
      ),
      this.picking ? message(t('walk.picking')) : null,
      this.busy ? message(t('common.loading')) : null,
      this.error ? message(this.error, 'error') : null,
      this.bands.length && !this.busy ? h('p', { class: 'walk-area' }, t('resident.area', { area: formatArea(this.area) })) : null,
    );
  }
}
