// 规划 Planner view: outlets by category, communities, circles and the gap
// layer (walking minutes to the nearest outlet of a basic category).

import type { MapMouseEvent } from 'maplibre-gl';
import { api } from '../api';
import { categories, categoryName, tierColorExpression, type Category } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { bboxParam, formatMinutes, formatNumber } from '../format';
import { enumLabel, t, type Key } from '../i18n';
import { bbox, Layers, maplibregl } from '../map';
import { viewFromQuery } from '../place';
import { legendClasses, stepExpression } from '../ramp';
import { boundsOf, hasSynthetic, toCollection } from '../shapes';
import type { Context, View } from './view';

type LayerName = 'outlets' | 'communities' | 'circles' | 'access';

interface LayerState {
  on: boolean;
  count: number | null;
  /** total matching features when the server sent only a page of them */
  total?: number;
  error: string;
}

/** Below this zoom the gap layer (H3 res-10 cells) would be too many cells to fetch. */
const accessMinZoom = 11;

export class PlannerView implements View {
  needsLogin = true;
  private ctx!: Context;
  private layers!: Layers;
  private cats: Category[] = [];
  private catsError = '';
  private outletCategory = '';
  private accessCategory = '';
  private state: Record<LayerName, LayerState> = {
    outlets: { on: true, count: null, error: '' },
    communities: { on: true, count: null, error: '' },
    circles: { on: true, count: null, error: '' },
    access: { on: false, count: null, error: '' },
  };
  private synthetic: Partial<Record<LayerName, boolean>> = {};
  private popup: maplibregl.Popup | null = null;
  private fitted = false;
  private seq: Partial<Record<LayerName, number>> = {};

  enter(ctx: Context): void {
    this.ctx = ctx;
    const L = (this.layers = new Layers(ctx.map));
    for (const id of ['access', 'communities', 'circles', 'outlets']) L.source(id);
    L.layer({ id: 'access-fill', type: 'fill', source: 'access', paint: { 'fill-color': stepExpression('minutes') as never, 'fill-opacity': 0.55 } });
    L.layer({ id: 'communities-fill', type: 'fill', source: 'communities', paint: { 'fill-color': '#9ecae1', 'fill-opacity': 0.3 } });
    L.layer({ id: 'communities-line', type: 'line', source: 'communities', paint: { 'line-color': '#3182bd', 'line-width': 1 } });
    L.layer({
      id: 'outlets-points',
      type: 'circle',
      source: 'outlets',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 5],
        'circle-color': '#d95f02',
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 0.8,
      },
    });
    L.layer({
      id: 'circles-points',
      type: 'circle',
      source: 'circles',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 9],
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#6a1b9a',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 14, 3],
      },
    });
    this.applyVisibility();
    ctx.map.on('moveend', this.onMove);
    ctx.map.on('click', this.onClick);
    categories()
      .then((c) => {
        this.cats = c;
        this.accessCategory ||= c.find((x) => x.tier === 'basic')?.code ?? '';
        ctx.map.setPaintProperty('outlets-points', 'circle-color', tierColorExpression(c) as never);
        this.render();
        if (this.state.access.on) this.load('access');
      })
      .catch((e) => {
        this.catsError = describeError(e);
        this.render();
      });
    this.load('communities');
    this.load('circles');
    this.load('outlets');
    this.render();
  }

  leave(): void {
    this.ctx.map.off('moveend', this.onMove);
    this.ctx.map.off('click', this.onClick);
    this.popup?.remove();
    this.layers.removeAll();
    this.ctx.demoData(false);
  }

  private onMove = (): void => {
    this.load('outlets');
    if (this.state.access.on) this.load('access');
  };

  private onClick = (e: MapMouseEvent): void => {
    const layers = ['outlets-points', 'circles-points', 'communities-fill', 'access-fill'].filter((id) => this.ctx.map.getLayer(id));
    const f = this.ctx.map.queryRenderedFeatures(e.point, { layers })[0];
    if (!f) return;
    const p = f.properties ?? {};
    let body: HTMLElement;
    switch (f.layer.id) {
      case 'outlets-points':
        body = h('div', {}, h('strong', {}, String(p.name ?? '')), h('div', {}, categoryName(String(p.category ?? ''), this.cats)), p.opening_hours ? h('div', {}, String(p.opening_hours)) : null);
        break;
      case 'circles-points':
        body = h('div', {}, h('strong', {}, String(p.name ?? '')), h('div', {}, enumLabel('circles.status', String(p.status ?? ''))));
        break;
      case 'communities-fill':
        body = h('div', {}, h('strong', {}, String(p.name ?? '')), p.population != null ? h('div', {}, `${t('planner.population')}: ${formatNumber(Number(p.population))}`) : null);
        break;
      default:
        body = h('div', {}, t('planner.legend'), ': ', formatMinutes(Number(p.minutes)));
    }
    this.popup?.remove();
    this.popup = new maplibregl.Popup({ offset: 8, maxWidth: '260px' }).setLngLat(e.lngLat).setDOMContent(body).addTo(this.ctx.map);
  };

  /** load fetches one layer; an older answer arriving after a newer request is dropped. */
  private async load(name: LayerName): Promise<void> {
    const st = this.state[name];
    if (!st.on) return;
    const n = (this.seq[name] = (this.seq[name] ?? 0) + 1);
    const map = this.ctx.map;
    try {
      let data: unknown;
      switch (name) {
        case 'outlets':
          data = await api.get('/api/v1/outlets', { bbox: bboxParam(bbox(map)), category: this.outletCategory });
          break;
        case 'communities':
          data = await api.get('/api/v1/communities');
          break;
        case 'circles':
          data = await api.get('/api/v1/circles');
          break;
        case 'access':
          if (map.getZoom() < accessMinZoom || !this.accessCategory) {
            this.layers.source('access');
            st.count = null;
            st.error = map.getZoom() < accessMinZoom ? t('planner.zoomIn') : '';
            this.render();
            return;
          }
          data = await api.get('/api/v1/access', { category: this.accessCategory, bbox: bboxParam(bbox(map)) });
          break;
      }
      if (n !== this.seq[name]) return;
      const fc = toCollection(data);
      this.layers.source(name, fc);
      st.count = fc.features.length;
      const total = (data as { total?: unknown }).total;
      st.total = typeof total === 'number' && total > st.count ? total : undefined;
      st.error = '';
      this.synthetic[name] = hasSynthetic(fc);
      if (name === 'communities' && !this.fitted && !viewFromQuery(location.search)) {
        this.fitted = true;
        const b = boundsOf(fc);
        if (b) map.fitBounds(b, { padding: 30, maxZoom: 14, duration: 0 });
      }
    } catch (e) {
      if (n !== this.seq[name]) return;
      st.count = null;
      st.error = describeError(e);
    }
    this.ctx.demoData(Object.values(this.synthetic).some(Boolean));
    this.render();
  }

  private applyVisibility(): void {
    this.layers.visible('outlets-points', this.state.outlets.on);
    this.layers.visible('communities-fill', this.state.communities.on);
    this.layers.visible('communities-line', this.state.communities.on);
    this.layers.visible('circles-points', this.state.circles.on);
    this.layers.visible('access-fill', this.state.access.on);
  }

  render(): void {
    const row = (name: LayerName, label: Key, extra?: HTMLElement | null) => {
      const st = this.state[name];
      return h(
        'fieldset',
        { class: 'layer', 'data-layer': name },
        h(
          'label',
          { class: 'layer-toggle' },
          h('input', {
            type: 'checkbox',
            checked: st.on,
            onchange: (e: Event) => {
              st.on = (e.target as HTMLInputElement).checked;
              this.applyVisibility();
              if (st.on) this.load(name);
              this.render();
            },
          }),
          t(label),
          st.on && st.count != null
            ? h(
                'span',
                { class: 'count' },
                st.total
                  ? t('planner.countOf', { count: formatNumber(st.count), total: formatNumber(st.total) })
                  : t('planner.count', { count: formatNumber(st.count) }),
              )
            : null,
        ),
        extra ?? null,
        st.on && st.error ? message(st.error, name === 'access' && st.error === t('planner.zoomIn') ? 'info' : 'error') : null,
      );
    };
    const select = (value: string, options: Category[], all: Key | null, onchange: (v: string) => void, label: Key) =>
      h(
        'label',
        { class: 'select' },
        t(label),
        h(
          'select',
          { onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) },
          all ? h('option', { value: '', selected: value === '' }, t(all)) : null,
          options.map((c) => h('option', { value: c.code, selected: c.code === value }, categoryName(c.code, this.cats))),
        ),
      );

    const outletSelect = select(this.outletCategory, this.cats, 'planner.allCategories', (v) => {
      this.outletCategory = v;
      this.load('outlets');
    }, 'planner.category');
    const accessSelect = select(this.accessCategory, this.cats.filter((c) => c.tier === 'basic'), null, (v) => {
      this.accessCategory = v;
      this.load('access');
    }, 'planner.accessCategory');
    const legend = h(
      'div',
      { class: 'legend', 'aria-label': t('planner.legend') },
      h('span', { class: 'legend-title' }, t('planner.legend')),
      legendClasses().map((c) => h('span', { class: 'legend-item' }, h('i', { style: `background:${c.color}` }), `${c.label}′`)),
    );

    fill(
      this.ctx.panel,
      h('h2', {}, t('planner.title')),
      this.catsError ? message(this.catsError, 'error') : null,
      row('outlets', 'planner.outlets', this.cats.length ? outletSelect : null),
      row('communities', 'planner.communities'),
      row('circles', 'planner.circles'),
      row('access', 'planner.access', h('div', {}, this.cats.length ? accessSelect : null, legend)),
    );
  }
}
