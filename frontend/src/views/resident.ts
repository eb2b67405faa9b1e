// 居民 Resident view: tap a place, see the 15-minute walking area and what
// lies within it, nearest first. No login.

import { api, ApiError } from '../api';
import { categories, categoryName, type Category } from '../categories';
import { categoryColorExpression, categoryColors, unknownColor } from '../colors';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatArea, formatDistance, formatMinutes } from '../format';
import { formatHours, statusText } from '../hours';
import { lang, t } from '../i18n';
import { addBandLayers, bandCollection, innerBands, type BandResult } from '../bands';
import { bandLegend, LegendControl, outletLegend, simpleSection } from '../legend';
import { feedbackForm } from '../tools/feedback';
import { Layers, maplibregl } from '../map';
import { viewFromQuery } from '../place';
import { boundsOf, hasSynthetic, toCollection } from '../shapes';
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
/** A start this close to a road needs no mention. */
const snapWorthSaying = 20;

/** isPhone is true on a narrow screen, where the panel sits under the map. */
const isPhone = () => typeof matchMedia !== 'undefined' && matchMedia('(max-width: 720px)').matches;

/** chipScroller wraps a row of chips with buttons that scroll it and fades at the edges with more chips. */
export function chipScroller(row: HTMLElement): HTMLElement {
  const back = h('button', { type: 'button', class: 'chip-scroll back', 'aria-label': t('chips.back'), tabindex: '-1' }, '‹');
  const forward = h('button', { type: 'button', class: 'chip-scroll forward', 'aria-label': t('chips.forward'), tabindex: '-1' }, '›');
  const box = h('div', { class: 'chip-bar' }, back, row, forward);
  const update = () => {
    const more = row.scrollWidth - row.clientWidth;
    box.classList.toggle('more-back', row.scrollLeft > 2);
    box.classList.toggle('more-forward', more - row.scrollLeft > 2);
  };
  const by = (dir: number) => row.scrollBy({ left: dir * Math.max(120, row.clientWidth * 0.7), behavior: 'smooth' });
  back.addEventListener('click', () => by(-1));
  forward.addEventListener('click', () => by(1));
  row.addEventListener('scroll', update, { passive: true });
  requestAnimationFrame(update);
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(update).observe(row);
  return box;
}

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
  /** the minutes of the bands drawn, e.g. [5, 10, 15] */
  private bands: number[] = [];
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
  private legend = new LegendControl();
  /** the outlet picked on the map or in the list */
  private selectedId = 0;
  private filtersOpen: boolean | null = null;
  private chipScroll = 0;

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.layers = new Layers(ctx.map);
    this.layers.source('iso');
    this.layers.source('nearby');
    this.layers.source('res-communities');
    this.layers.layer({ id: 'res-communities-fill', type: 'fill', source: 'res-communities', paint: { 'fill-color': '#dbe7ef', 'fill-opacity': 0.45 } }, 'iso-fill');
    this.layers.layer({ id: 'res-communities-line', type: 'line', source: 'res-communities', paint: { 'line-color': '#7a9cb5', 'line-width': 1.2 } }, 'iso-fill');
    // The walking area in bands: 15, 10 and 5 minutes drawn over each other, nearest darkest.
    addBandLayers(this.layers, 'iso', minutes);
    this.layers.layer({
      id: 'nearby-points',
      type: 'circle',
      source: 'nearby',
      paint: {
        'circle-radius': ['case', ['boolean', ['feature-state', 'selected'], false], 10, 7],
        'circle-color': unknownColor,
        'circle-stroke-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#111111', '#ffffff'],
        'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1.5],
      },
    });
    ctx.map.addControl(this.legend, 'top-left');
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
        if (this.ctx.map.getLayer('nearby-points')) this.ctx.map.setPaintProperty('nearby-points', 'circle-color', categoryColorExpression(c) as never);
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
    this.ctx.map.removeControl(this.legend);
    this.layers.removeAll();
    this.ctx.demoData(false);
  }

  /** fitPadding keeps the walking area clear of the open legend in the map's top-left corner. */
  private fitPadding(): { top: number; bottom: number; left: number; right: number } {
    const legend = this.legend.el;
    const beside = legend.open && !legend.hidden && !isPhone() ? legend.offsetWidth + 10 : 0;
    return { top: 40, bottom: 40, left: 40 + beside, right: 60 };
  }

  /** updateLegend names what the map shows: the walking bands, the chosen place and the categories listed. */
  private updateLegend(): void {
    const sections = [];
    if (this.iso) sections.push(bandLegend(this.bands));
    if (this.origin) sections.push(simpleSection('origin', t('legend.origin'), '#08589e', 'pin'));
    if (this.outlets.length) sections.push(...outletLegend(this.cats, new Set(this.outlets.map((o) => o.category))));
    this.legend.update(sections);
  }

  /** select marks an outlet on the map and in the list. */
  private select(o: NearbyOutlet | null, scroll = false): void {
    const map = this.ctx.map;
    if (this.selectedId && map.getSource('nearby')) map.setFeatureState({ source: 'nearby', id: this.selectedId }, { selected: false });
    this.selectedId = o?.id ?? 0;
    if (o && map.getSource('nearby')) map.setFeatureState({ source: 'nearby', id: o.id }, { selected: true });
    for (const li of this.ctx.panel.querySelectorAll<HTMLElement>('ol.results > li')) {
      const on = Number(li.dataset.outlet) === this.selectedId;
      li.classList.toggle('selected', on);
      li.querySelector('.result')?.setAttribute('aria-current', on ? 'true' : 'false');
      if (on && scroll) li.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  private onClick = (e: maplibregl.MapMouseEvent): void => {
    const hit = this.ctx.map.queryRenderedFeatures(e.point, { layers: ['nearby-points'] })[0];
    if (hit) {
      const o = this.outlets.find((x) => x.id === hit.properties?.id);
      if (o) {
        this.showOutlet(o);
        this.select(o, true);
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
    // The inner bands are walks of 5 and 10 minutes from the same place; the map does without them if they fail.
    const [iso, , ...inner] = await Promise.allSettled([api.get<Isochrone>('/api/v1/isochrone', q), this.loadNearby(n), ...innerBands(q, minutes)]);
    if (n !== this.request) return;
    this.loading = false;
    this.selectedId = 0;
    if (iso.status === 'fulfilled') {
      this.iso = iso.value;
      const bands = [{ minutes, polygon: iso.value.polygon }, ...inner.flatMap((b) => (b.status === 'fulfilled' && b.value ? [b.value as BandResult] : []))];
      const fc = bandCollection(bands);
      this.bands = fc.features.map((f) => Number(f.properties.minutes)).sort((a, b) => a - b);
      this.layers.source('iso', fc);
      const b = boundsOf({ type: 'FeatureCollection', features: fc.features.slice(0, 1) });
      this.updateLegend();
      if (b) this.ctx.map.fitBounds(b, { padding: this.fitPadding(), maxZoom: 16, duration: 600 });
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
    const fc = toCollection(this.outlets);
    for (const f of fc.features) f.id = (f.properties as { id?: number } | null)?.id;
    this.layers.source('nearby', fc);
    this.selectedId = 0;
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

  /** pick is a list item's action: the map goes to the outlet and shows it. */
  private pick(o: NearbyOutlet): void {
    this.ctx.map.easeTo({ center: [o.lon, o.lat] });
    this.showOutlet(o);
    this.select(o);
  }

  render(): void {
    const oldChips = this.ctx.panel.querySelector('.chips');
    if (oldChips) this.chipScroll = oldChips.scrollLeft;
    const oldFilters = this.ctx.panel.querySelector<HTMLDetailsElement>('details.filter-box');
    if (oldFilters) this.filtersOpen = oldFilters.open;
    const chipCodes = this.cats.length
      ? this.cats.map((c) => c.code)
      : [...new Set(this.outlets.map((o) => o.category))];
    const colors = categoryColors(this.cats);
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
        code ? h('i', { class: 'dot', style: `--c:${colors.get(code) ?? unknownColor}`, 'aria-hidden': 'true' }) : null,
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

    const snap = this.iso?.snap?.distance_m ?? 0;
    const summary = this.iso
      ? h(
          'p',
          { class: 'summary' },
          this.iso.walk?.budget_m
            ? h('span', { class: 'budget' }, t('resident.budget', { distance: formatDistance(this.iso.walk.budget_m), speed: this.iso.walk.speed_kmh ?? '' }))
            : null,
          h('span', {}, t('resident.area', { area: formatArea(this.iso.area_m2 ?? 0) })),
          snap >= snapWorthSaying ? h('span', { class: 'snap' }, t('resident.snap', { distance: formatDistance(snap) })) : null,
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
                  { 'data-outlet': String(o.id), class: o.id === this.selectedId ? 'selected' : undefined },
                  h(
                    'button',
                    { type: 'button', class: 'result', 'aria-current': String(o.id === this.selectedId), onclick: () => this.pick(o) },
                    outletCard(o, this.cats, 'span'),
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'link feedback-open',
                      'aria-expanded': String(this.feedback.has(o.id)),
                      'aria-label': `${t('feedback.open')}：${o.name}`,
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

    const active = [this.filter.category, this.filter.openNow, this.filter.cash, this.filter.card, this.elderly].filter(Boolean).length;
    const chipRow = h('div', { class: 'chips' }, chip('', t('resident.allCategories')), chipCodes.map((c) => chip(c, categoryName(c, this.cats))));
    const filters = h(
      'details',
      { class: 'filter-box', open: this.filtersOpen ?? !isPhone() },
      h('summary', {}, t('resident.showFilters'), active ? h('span', { class: 'count-badge' }, String(active)) : null),
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': t('resident.filters') },
        chipScroller(chipRow),
        h('div', { class: 'toggles' }, toggle('openNow', t('resident.openNow')), toggle('cash', t('resident.cash')), toggle('card', t('resident.card'))),
        elderly,
      ),
    );

    fill(
      this.ctx.panel,
      h('h2', { class: this.origin ? 'has-origin' : undefined }, t('resident.title')),
      this.origin ? null : h('p', { class: 'hint' }, t('resident.hint')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => this.myLocation() }, t('resident.myLocation')), filters),
      this.loading ? message(t('resident.loading')) : null,
      this.isoError ? message(this.isoError, 'error') : null,
      summary,
      this.outlets.length ? h('h3', { class: 'results-title' }, t('resident.results', { count: this.outlets.length })) : null,
      list,
    );
    chipRow.scrollLeft = this.chipScroll;
    this.updateLegend();
  }
}

function isoErrorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 422 && typeof err.body?.distance_m === 'number') {
    return t('resident.offNetwork', { distance: formatDistance(err.body.distance_m) });
  }
  return describeError(err);
}

/**
 * outletCard is the summary of an outlet used in the list and in popups: the
 * name and walk, the category in its map colour, whether it is open now and
 * its hours in plain words. In a button it is made of spans (tag "span").
 */
function outletCard(o: NearbyOutlet, cats: Category[], tag: 'div' | 'span' = 'div'): HTMLElement {
  const l = lang();
  const status = statusText(o.opening_hours, new Date(), l);
  const hours = formatHours(o.opening_hours, l);
  // The server's open-now flag stands in when the hours are in a form the browser cannot read.
  const open = status?.open ?? o.open_now;
  const color = categoryColors(cats).get(o.category) ?? unknownColor;
  return h(
    tag,
    { class: 'outlet' },
    h(tag, { class: 'outlet-head' }, h('strong', {}, o.name), h('span', { class: 'walk' }, t('resident.walk', { minutes: formatMinutes(o.walk_min) }))),
    h(
      tag,
      { class: 'outlet-meta' },
      h('span', { class: 'cat' }, h('i', { class: 'dot', style: `--c:${color}`, 'aria-hidden': 'true' }), categoryName(o.category, cats)),
      h('span', {}, formatDistance(o.walk_m)),
      o.accepts_cash ? h('span', { class: 'badge' }, t('resident.acceptsCash')) : null,
      o.accepts_card ? h('span', { class: 'badge' }, t('resident.acceptsCard')) : null,
    ),
    o.opening_hours || open !== undefined
      ? h(
          tag,
          { class: 'outlet-hours' },
          open === undefined ? null : h('span', { class: open ? 'open-status open' : 'open-status closed' }, status?.text ?? t(open ? 'resident.isOpen' : 'resident.isClosed')),
          // "营业中 · 24 小时" says it all for a place that never closes.
          hours && !(status?.open && hours === formatHours('24/7', l)) ? h('span', { class: 'hours' }, hours) : null,
        )
      : null,
  );
}
