// 居民 Resident view: tap a place, see the 15-minute walking area and what
// lies within it, nearest first. No login.

import { api, ApiError } from '../api';
import { categories, categoryName, type Category } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatArea, formatDistance, formatMinutes } from '../format';
import { t } from '../i18n';
import { feedbackForm } from '../tools/feedback';
import { Layers, maplibregl } from '../map';
import { viewFromQuery } from '../place';
import { boundsOf, hasSynthetic, toCollection, type FeatureCollection } from '../shapes';
import type { Context, View } from './view';

export interface NearbyOutlet {
  id: number;
  name: string;
  category: string;
  walk_m: number;
  walk_min: number;
  lon: number;
  lat: number;
  opening_hours?: string;
  accepts_cash?: boolean;
  accepts_card?: boolean;
  /** set by the server when it knows the opening hours */
  open_now?: boolean;
}

interface Isochrone {
  snap?: { distance_m?: number };
  walk?: { speed_kmh?: number; budget_m?: number };
  polygon: GeoJSON.MultiPolygon | GeoJSON.Polygon;
  area_m2?: number;
}

const minutes = 15;
/** The slower pace asked for with "elderly pace": 15 minutes are then about 750 m. */
const elderlySpeedKmh = 3;

/** sortByWalk orders outlets by walking time, then distance, then name. */
export function sortByWalk(list: NearbyOutlet[]): NearbyOutlet[] {
  return list
    .slice()
    .sort((a, b) => a.walk_min - b.walk_min || a.walk_m - b.walk_m || a.name.localeCompare(b.name, 'zh'));
}

export class ResidentView implements View {
  needsLogin = false;
  private ctx!: Context;
  private layers!: Layers;
  private marker: maplibregl.Marker | null = null;
  private popup: maplibregl.Popup | null = null;
  private origin: [number, number] | null = null;
  private iso: Isochrone | null = null;
  private isoError = '';
  private outlets: NearbyOutlet[] = [];
  private nearbyError = '';
  private loading = false;
  private cats: Category[] = [];
  private filter = { category: '', openNow: false, cash: false, card: false };
  private elderly = false;
  /** the open feedback forms by outlet id, kept across redraws */
  private feedback = new Map<number, HTMLElement>();
  private request = 0;
  private fitted = false;

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.layers = new Layers(ctx.map);
    this.layers.source('iso');
    this.layers.source('nearby');
    this.layers.source('res-communities');
    this.layers.layer({ id: 'res-communities-fill', type: 'fill', source: 'res-communities', paint: { 'fill-color': '#dbe7ef', 'fill-opacity': 0.45 } }, 'iso-fill');
    this.layers.layer({ id: 'res-communities-line', type: 'line', source: 'res-communities', paint: { 'line-color': '#7a9cb5', 'line-width': 1.2 } }, 'iso-fill');
    this.layers.layer({ id: 'iso-fill', type: 'fill', source: 'iso', paint: { 'fill-color': '#2b8cbe', 'fill-opacity': 0.18 } });
    this.layers.layer({ id: 'iso-line', type: 'line', source: 'iso', paint: { 'line-color': '#08589e', 'line-width': 2 } });
    this.layers.layer({
      id: 'nearby-points',
      type: 'circle',
      source: 'nearby',
      paint: { 'circle-radius': 6, 'circle-color': '#d95f02', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 },
    });
    ctx.map.on('click', this.onClick);
    ctx.map.getCanvas().style.cursor = 'crosshair';
    api
      .get('/api/v1/communities')
      .then((data) => {
        const fc = toCollection(data);
        this.layers.source('res-communities', fc);
        this.ctx.demoData(hasSynthetic(data));
        // First visit without a place in the address: show where the communities are.
        const b = boundsOf(fc);
        if (b && !this.fitted && !this.origin && !viewFromQuery(location.search)) {
          this.fitted = true;
          this.ctx.map.fitBounds(b, { padding: 30, maxZoom: 13, duration: 0 });
        }
      })
      .catch(() => {
        // community outlines only help orientation; the view works without them
      });
    categories()
      .then((c) => {
        this.cats = c;
        this.render();
      })
      .catch(() => {
        // without the taxonomy the chips fall back to the categories found nearby
      });
    if (this.origin) this.locate(this.origin);
    this.render();
  }

  leave(): void {
    this.ctx.map.off('click', this.onClick);
    this.ctx.map.getCanvas().style.cursor = '';
    this.marker?.remove();
    this.marker = null;
    this.popup?.remove();
    this.layers.removeAll();
    this.ctx.demoData(false);
  }

  private onClick = (e: maplibregl.MapMouseEvent): void => {
    const hit = this.ctx.map.queryRenderedFeatures(e.point, { layers: ['nearby-points'] })[0];
    if (hit) {
      const o = this.outlets.find((x) => x.id === hit.properties?.id);
      if (o) {
        this.showOutlet(o);
        return;
      }
    }
    this.locate([e.lngLat.lng, e.lngLat.lat]);
  };

  private myLocation(): void {
    if (!navigator.geolocation) {
      this.isoError = t('resident.noGeolocation', { message: '—' });
      this.render();
      return;
    }
    this.isoError = t('resident.locating');
    this.render();
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const p: [number, number] = [pos.coords.longitude, pos.coords.latitude];
        this.ctx.map.flyTo({ center: p, zoom: 14 });
        this.locate(p);
      },
      (err) => {
        this.isoError = t('resident.noGeolocation', { message: err.message });
        this.render();
      },
      { enableHighAccuracy: true, timeout: 10000 },
    );
  }

  /** locate sets the origin and asks for its isochrone and nearby outlets together. */
  private async locate(p: [number, number]): Promise<void> {
    this.origin = p;
    this.marker ??= new maplibregl.Marker({ color: '#08589e' });
    this.marker.setLngLat(p).addTo(this.ctx.map);
    this.loading = true;
    this.isoError = '';
    this.render();
    const n = ++this.request;
    this.feedback.clear();
    const q = { lon: p[0].toFixed(6), lat: p[1].toFixed(6), minutes, speed_kmh: this.speed() };
    const [iso] = await Promise.allSettled([api.get<Isochrone>('/api/v1/isochrone', q), this.loadNearby(n)]);
    if (n !== this.request) return;
    this.loading = false;
    if (iso.status === 'fulfilled') {
      this.iso = iso.value;
      const fc: FeatureCollection = {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: iso.value.polygon, properties: {} }],
      };
      this.layers.source('iso', fc);
      const b = boundsOf(fc);
      if (b) this.ctx.map.fitBounds(b, { padding: 40, maxZoom: 16, duration: 600 });
    } else {
      this.iso = null;
      this.layers.source('iso');
      this.isoError = isoErrorText(iso.reason);
    }
    this.render();
  }

  private async loadNearby(n = ++this.request): Promise<void> {
    if (!this.origin) return;
    const q = {
      lon: this.origin[0].toFixed(6),
      lat: this.origin[1].toFixed(6),
      minutes,
      speed_kmh: this.speed(),
      category: this.filter.category,
      open_now: this.filter.openNow,
      cash: this.filter.cash,
      card: this.filter.card,
    };
    try {
      const data = await api.get<{ outlets: NearbyOutlet[] }>('/api/v1/nearby', q);
      if (n !== this.request) return;
      this.outlets = sortByWalk(data.outlets ?? []);
      this.nearbyError = '';
    } catch (e) {
      if (n !== this.request) return;
      this.outlets = [];
      this.nearbyError = e instanceof ApiError && e.status === 422 ? '' : describeError(e);
    }
    this.layers.source('nearby', toCollection(this.outlets));
  }

  private speed(): number | undefined {
    return this.elderly ? elderlySpeedKmh : undefined;
  }

  private async refilter(): Promise<void> {
    const n = ++this.request;
    this.render();
    await this.loadNearby(n);
    if (n === this.request) this.render();
  }

  private showOutlet(o: NearbyOutlet): void {
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ offset: 10, maxWidth: '260px' })
      .setLngLat([o.lon, o.lat])
      .setDOMContent(outletCard(o, this.cats))
      .addTo(this.ctx.map);
  }

  render(): void {
    const chipCodes = this.cats.length
      ? this.cats.map((c) => c.code)
      : [...new Set(this.outlets.map((o) => o.category))];
    const chip = (code: string, label: string) =>
      h(
        'button',
        {
          class: 'chip',
          type: 'button',
          'aria-pressed': String(this.filter.category === code),
          onclick: () => {
            this.filter.category = code;
            this.refilter();
          },
        },
        label,
      );
    const toggle = (key: 'openNow' | 'cash' | 'card', label: string) =>
      h(
        'label',
        { class: 'toggle' },
        h('input', {
          type: 'checkbox',
          checked: this.filter[key],
          onchange: (e: Event) => {
            this.filter[key] = (e.target as HTMLInputElement).checked;
            this.refilter();
          },
        }),
        label,
      );

    const summary = this.iso
      ? h(
          'p',
          { class: 'summary' },
          this.iso.walk?.budget_m
            ? h('span', { class: 'budget' }, t('resident.budget', { distance: formatDistance(this.iso.walk.budget_m), speed: this.iso.walk.speed_kmh ?? '' }), h('br'))
            : null,
          t('resident.summary', {
            area: formatArea(this.iso.area_m2 ?? 0),
            snap: formatDistance(this.iso.snap?.distance_m ?? 0),
          }),
        )
      : null;
    const elderly = h(
      'label',
      { class: 'toggle elderly' },
      h('input', {
        type: 'checkbox',
        name: 'elderly',
        checked: this.elderly,
        onchange: (e: Event) => {
          this.elderly = (e.target as HTMLInputElement).checked;
          if (this.origin) this.locate(this.origin);
          else this.render();
        },
      }),
      t('resident.elderly'),
      h('span', { class: 'hint-inline' }, t('resident.elderlyHint')),
    );

    let list: HTMLElement | null = null;
    if (this.origin && !this.loading) {
      if (this.nearbyError) list = message(this.nearbyError, 'error');
      else if (this.iso || this.outlets.length)
        list = this.outlets.length
          ? h(
              'ol',
              { class: 'results', 'aria-label': t('resident.results', { count: this.outlets.length }) },
              this.outlets.map((o) =>
                h(
                  'li',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'result',
                      onclick: () => {
                        this.ctx.map.easeTo({ center: [o.lon, o.lat] });
                        this.showOutlet(o);
                      },
                    },
                    outletCard(o, this.cats),
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link feedback-open',
                      'aria-expanded': String(this.feedback.has(o.id)),
                      onclick: () => {
                        if (this.feedback.has(o.id)) this.feedback.delete(o.id);
                        else this.feedback.set(o.id, feedbackForm(o));
                        this.render();
                      },
                    },
                    t('feedback.open'),
                  ),
                  this.feedback.get(o.id) ?? null,
                ),
              ),
            )
          : message(t('resident.none'));
    }

    fill(
      this.ctx.panel,
      h('h2', {}, t('resident.title')),
      h('p', { class: 'hint' }, t('resident.hint')),
      h('button', { type: 'button', class: 'primary', onclick: () => this.myLocation() }, t('resident.myLocation')),
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': t('resident.filters') },
        h(
          'div',
          { class: 'chips' },
          chip('', t('resident.allCategories')),
          chipCodes.map((c) => chip(c, categoryName(c, this.cats))),
        ),
        h('div', { class: 'toggles' }, toggle('openNow', t('resident.openNow')), toggle('cash', t('resident.cash')), toggle('card', t('resident.card'))),
        elderly,
      ),
      this.loading ? message(t('resident.loading')) : null,
      this.isoError ? message(this.isoError, 'error') : null,
      summary,
      this.outlets.length ? h('h3', {}, t('resident.results', { count: this.outlets.length })) : null,
      list,
    );
  }
}

function isoErrorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 422 && typeof err.body?.distance_m === 'number') {
    return t('resident.offNetwork', { distance: formatDistance(err.body.distance_m) });
  }
  return describeError(err);
}

/** outletCard is the HTML summary of an outlet used in the list and in popups. */
function outletCard(o: NearbyOutlet, cats: Category[]): HTMLElement {
  return h(
    'div',
    { class: 'outlet' },
    h('div', { class: 'outlet-head' }, h('strong', {}, o.name), h('span', { class: 'walk' }, t('resident.walk', { minutes: formatMinutes(o.walk_min) }))),
    h(
      'div',
      { class: 'outlet-meta' },
      h('span', { class: 'cat' }, categoryName(o.category, cats)),
      h('span', {}, formatDistance(o.walk_m)),
      o.opening_hours ? h('span', {}, o.opening_hours) : null,
      o.open_now === true ? h('span', { class: 'badge' }, t('resident.isOpen')) : null,
      o.open_now === false ? h('span', { class: 'badge closed' }, t('resident.isClosed')) : null,
      o.accepts_cash ? h('span', { class: 'badge' }, t('resident.acceptsCash')) : null,
      o.accepts_card ? h('span', { class: 'badge' }, t('resident.acceptsCard')) : null,
    ),
  );
}
