// 规划 Planner view: outlets by category (vector tiles), communities with
// their coverage, circles, the gap layer (walking minutes to the nearest
// outlet of a basic category, vector tiles of the whole city at every zoom)
// with suggested sites, what-if outlets, and the outlet register import.

import type { MapMouseEvent } from 'maplibre-gl';
import * as prefetched from '../prefetch';
import { categories, categoryName, type Category } from '../categories';
import { categoryColorExpression } from '../colors';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatMinutes, formatNumber } from '../format';
import { enumLabel, t, type Key } from '../i18n';
import { Layers, maplibregl } from '../map';
import { CoveragePanel } from '../tools/coverage';
import { ImportTool } from '../tools/importer';
import { outletPopup } from '../tools/outlet';
import { ScenarioTool } from '../tools/scenario';
import { SuggestTool } from '../tools/suggest';
import { WalkTool } from '../tools/walk';
import { viewFromQuery } from '../place';
import { gapExpression } from '../ramp';
import { bandLegend, gapLegend, LegendControl, outletLegend, simpleSection, tierLegend, type LegendSection } from '../legend';
import { boundsOf, hasSynthetic, records, toCollection } from '../shapes';
import type { Context, View } from './view';

type LayerName = 'outlets' | 'communities' | 'circles' | 'access';

interface LayerState {
  on: boolean;
  count: number | null;
  error: string;
  /** 0 to 1, times each layer's own opacity */
  opacity: number;
}

/** The map layers of each planner layer and their paint opacities at full strength. */
const opacityPaint: Record<LayerName, [string, string, number][]> = {
  outlets: [
    ['outlets-points', 'circle-opacity', 1],
    ['outlets-points', 'circle-stroke-opacity', 1],
  ],
  communities: [
    ['communities-fill', 'fill-opacity', 0.3],
    ['communities-line', 'line-opacity', 1],
  ],
  circles: [['circles-points', 'circle-stroke-opacity', 1]],
  access: [['access-fill', 'fill-opacity', 0.6]],
};

const communityColor = '#9ecae1';
/** The suggested sites' markers and the cells they add (tools/suggest.ts). */
const suggestColor = '#2ca25f';
const circleColor = '#6a1b9a';

/** Below this zoom the outlet tiles are thinned (api/tiles.go). */
const outletsFullZoom = 15;

/** prefetchPlanner starts the planner's data before the map is ready for it. */
export function prefetchPlanner(): void {
  for (const path of ['/api/v1/communities', '/api/v1/circles']) prefetched.prefetch(path);
  prefetched.prefetch('/api/v1/regions', { level: 'county' });
}

/** The gap layer's tiles for a category (api/gaptiles.go): H3 cells, coarser as the map zooms out. */
export function gapTilesUrl(category: string): string {
  return `${location.origin}/tiles/access.json?category=${encodeURIComponent(category)}`;
}

export class PlannerView implements View {
  needsLogin = true;
  private ctx!: Context;
  private layers!: Layers;
  private cats: Category[] = [];
  private catsError = '';
  private outletCategory = '';
  private accessCategory = '';
  private state: Record<LayerName, LayerState> = {
    outlets: { on: true, count: null, error: '', opacity: 1 },
    communities: { on: true, count: null, error: '', opacity: 1 },
    circles: { on: true, count: null, error: '', opacity: 1 },
    access: { on: false, count: null, error: '', opacity: 1 },
  };
  private synthetic: Partial<Record<LayerName, boolean>> = {};
  private popup: maplibregl.Popup | null = null;
  private fitted = false;
  private seq: Partial<Record<LayerName, number>> = {};
  private districts: { code: string; name: string }[] = [];
  private tilesVersion = 0;
  private sections = new Map<string, HTMLDetailsElement>();
  private coverage = new CoveragePanel();
  private suggest!: SuggestTool;
  private scenario!: ScenarioTool;
  private importer!: ImportTool;
  private walk!: WalkTool;
  private legend = new LegendControl();
  /** the outlet categories drawn in view, for the legend */
  private inView = new Set<string>();

  enter(ctx: Context): void {
    this.ctx = ctx;
    const L = (this.layers = new Layers(ctx.map));
    for (const id of ['communities', 'circles']) L.source(id);
    if (!ctx.map.getSource('outlets')) ctx.map.addSource('outlets', { type: 'vector', url: `${location.origin}/tiles/outlets.json` });
    L.layer({ id: 'communities-fill', type: 'fill', source: 'communities', paint: { 'fill-color': communityColor, 'fill-opacity': 0.3 } });
    L.layer({ id: 'communities-line', type: 'line', source: 'communities', paint: { 'line-color': '#3182bd', 'line-width': 1 } });
    L.layer({
      id: 'outlets-points',
      type: 'circle',
      source: 'outlets',
      'source-layer': 'outlets',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2, 14, 5],
        'circle-color': '#57606a',
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
        'circle-stroke-color': circleColor,
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 14, 3],
      },
    });
    ctx.map.addControl(this.legend, 'top-left');
    const host = { map: ctx.map, layers: L };
    this.suggest = new SuggestTool(host, () => this.districts, () => this.accessCategory, (cat, lon, lat) => this.scenario.addSite(cat, lon, lat), () => this.updateLegend());
    this.scenario = new ScenarioTool(host, () => this.cats);
    this.importer = new ImportTool(() => this.refreshOutlets());
    this.walk = new WalkTool(
      host,
      () => this.updateLegend(),
      () => {
        const legend = this.legend.el;
        const beside = legend.open && !legend.hidden && ctx.map.getContainer().offsetWidth > 720 ? legend.offsetWidth + 10 : 0;
        return { top: 40, bottom: 40, left: 40 + beside, right: 60 };
      },
    );
    this.applyVisibility();
    ctx.map.on('click', this.onClick);
    ctx.map.on('idle', this.countOutlets);
    ctx.map.on('idle', this.countCells);
    ctx.map.on('error', this.onTileError);
    categories()
      .then((c) => {
        this.cats = c;
        if (this.ctx.map.getLayer('outlets-points')) this.ctx.map.setPaintProperty('outlets-points', 'circle-color', categoryColorExpression(c) as never);
        this.accessCategory ||= c.find((x) => x.tier === 'basic')?.code ?? '';
        this.render();
        if (this.state.access.on) this.load('access');
      })
      .catch((e) => {
        this.catsError = describeError(e);
        this.render();
      });
    this.load('communities');
    this.load('circles');
    this.loadDistricts();
    this.render();
  }

  /** loadDistricts names the districts that have communities, for the suggested sites. */
  private async loadDistricts(): Promise<void> {
    try {
      const [regions, communities] = await Promise.all([prefetched.get<unknown>('/api/v1/regions', { level: 'county' }), prefetched.get<unknown>('/api/v1/communities')]);
      const names = new Map(records(regions).map((r) => [String(r.county || String(r.code).slice(0, 6)), String(r.name)]));
      const codes = [...new Set(records(communities).map((c) => String(c.district ?? '')).filter(Boolean))].sort();
      this.districts = codes.map((code) => ({ code, name: names.get(code) ?? code }));
    } catch (e) {
      this.districts = [];
      this.state.access.error = describeError(e);
    }
    this.render();
  }

  /** countOutlets counts the outlets drawn in view, once the map has settled. */
  private countOutlets = (): void => {
    const st = this.state.outlets;
    if (!st.on || !this.ctx.map.getLayer('outlets-points')) return;
    const drawn = this.ctx.map.queryRenderedFeatures({ layers: ['outlets-points'] });
    const ids = new Set(drawn.map((f) => f.properties?.id));
    const cats = new Set(drawn.map((f) => String(f.properties?.category ?? '')));
    const catsChanged = cats.size !== this.inView.size || [...cats].some((c) => !this.inView.has(c));
    this.inView = cats;
    if (catsChanged) this.updateLegend();
    if (ids.size !== st.count) {
      st.count = ids.size;
      st.error = '';
      this.render();
    }
  };

  /** countCells counts the gap layer's cells drawn in view, once the map has settled. */
  private countCells = (): void => {
    const st = this.state.access;
    if (!st.on || !this.ctx.map.getLayer('access-fill')) return;
    const cells = new Set(this.ctx.map.queryRenderedFeatures({ layers: ['access-fill'] }).map((f) => f.properties?.cell));
    if (cells.size !== st.count || st.error) {
      st.count = cells.size;
      st.error = '';
      this.render();
    }
  };

  /** onTileError shows a failed gap tile request by the layer. */
  private onTileError = (ev: maplibregl.ErrorEvent): void => {
    const e = ev as maplibregl.ErrorEvent & { sourceId?: string };
    if (e.sourceId !== 'access') return;
    this.state.access.error = describeError(e.error ?? new Error('tile error'));
    this.state.access.count = null;
    this.render();
  };

  /** refreshOutlets asks for fresh tiles after an import changed the outlets. */
  private refreshOutlets(): void {
    if (this.state.access.on) this.showAccess();
    const src = this.ctx.map.getSource('outlets') as maplibregl.VectorTileSource | undefined;
    if (!src?.tiles) return;
    this.tilesVersion++;
    src.setTiles(src.tiles.map((u) => `${u.split('?')[0]}?v=${this.tilesVersion}`));
  }

  /**
   * showAccess draws the gap layer of the chosen category from its vector
   * tiles; the TileJSON names the current version of the tiles, so asking
   * again after outlets change gets fresh ones.
   */
  private showAccess(): void {
    if (!this.accessCategory) return;
    this.layers.tiles('access', gapTilesUrl(this.accessCategory));
    this.layers.layer(
      {
        id: 'access-fill',
        type: 'fill',
        source: 'access',
        'source-layer': 'access',
        paint: { 'fill-color': gapExpression() as never, 'fill-opacity': 0.6 * this.state.access.opacity, 'fill-outline-color': 'rgba(255,255,255,0.35)' },
      },
      'communities-fill',
    );
    this.applyVisibility();
  }

  leave(): void {
    this.ctx.map.off('click', this.onClick);
    this.ctx.map.off('idle', this.countOutlets);
    this.ctx.map.off('idle', this.countCells);
    this.ctx.map.off('error', this.onTileError);
    this.popup?.remove();
    this.suggest.leave();
    this.scenario.leave();
    this.walk.leave();
    this.ctx.map.removeControl(this.legend);
    this.layers.removeAll();
    if (this.ctx.map.getSource('outlets')) this.ctx.map.removeSource('outlets');
    this.ctx.demoData(false);
  }

  private onClick = (e: MapMouseEvent): void => {
    if (this.scenario.click(e)) return;
    if (this.walk.click(e)) return;
    const layers = ['outlets-points', 'circles-points', 'communities-fill', 'access-fill'].filter((id) => this.ctx.map.getLayer(id));
    const f = this.ctx.map.queryRenderedFeatures(e.point, { layers })[0];
    if (!f) return;
    const p = f.properties ?? {};
    const show = (body: HTMLElement) => {
      this.popup?.remove();
      this.popup = new maplibregl.Popup({ offset: 8, maxWidth: '280px' }).setLngLat(e.lngLat).setDOMContent(body).addTo(this.ctx.map);
    };
    switch (f.layer.id) {
      case 'outlets-points':
        show(h('div', {}, h('strong', {}, String(p.name ?? '')), h('div', {}, categoryName(String(p.category ?? ''), this.cats))));
        outletPopup(Number(p.id)).then((body) => this.popup?.isOpen() && this.popup.setDOMContent(body));
        break;
      case 'circles-points':
        show(h('div', {}, h('strong', {}, String(p.name ?? '')), h('div', {}, enumLabel('circles.status', String(p.status ?? '')))));
        break;
      case 'communities-fill': {
        show(h('div', {}, h('strong', {}, String(p.name ?? '')), p.population != null ? h('div', {}, `${t('planner.population')}: ${formatNumber(Number(p.population))}`) : null));
        const popup = this.popup;
        this.coverage.show(Number(p.id), String(p.name ?? '')).then((body) => popup?.isOpen() && popup.setDOMContent(body));
        this.render();
        break;
      }
      default: {
        const pop = Number(p.population ?? 0);
        const unreached = Number(p.unreached ?? 0);
        show(
          h(
            'div',
            { class: 'gap-popup' },
            h('div', {}, `${t('planner.legend')}: `, p.minutes != null ? formatMinutes(Number(p.minutes)) : t('planner.beyondWalk')),
            h('div', {}, `${t('planner.population')}: ${formatNumber(pop)}`),
            unreached > 0 ? h('div', {}, `${t('planner.unreached')}: ${formatNumber(unreached)}`) : null,
          ),
        );
      }
    }
  };

  /** load fetches one layer; an older answer arriving after a newer request is dropped. */
  private async load(name: LayerName): Promise<void> {
    const st = this.state[name];
    if (!st.on || name === 'outlets') return;
    if (name === 'access') {
      this.showAccess();
      return;
    }
    const n = (this.seq[name] = (this.seq[name] ?? 0) + 1);
    const map = this.ctx.map;
    try {
      let data: unknown;
      switch (name) {
        case 'communities':
          data = await prefetched.get('/api/v1/communities');
          break;
        case 'circles':
          data = await prefetched.get('/api/v1/circles');
          break;
      }
      if (n !== this.seq[name]) return;
      const fc = toCollection(data);
      this.layers.source(name, fc);
      st.count = fc.features.length;
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

  /** updateLegend names what each visible layer's colours mean. */
  private updateLegend(): void {
    const sections: LegendSection[] = [];
    const st = this.state;
    if (this.walk.bands.length) sections.push(bandLegend(this.walk.bands));
    if (this.suggest.hasSites()) sections.push(simpleSection('suggest', t('legend.suggested'), suggestColor, 'fill'));
    if (st.access.on) sections.push(gapLegend());
    if (st.outlets.on) {
      const only = this.outletCategory ? [this.outletCategory] : this.inView.size ? this.inView : undefined;
      sections.push(...(this.cats.length ? outletLegend(this.cats, only) : [tierLegend()]));
    }
    if (st.communities.on) sections.push(simpleSection('communities', t('legend.communities'), communityColor, 'fill'));
    if (st.circles.on) sections.push(simpleSection('circles', t('legend.circles'), circleColor, 'ring'));
    this.legend.update(sections);
  }

  /** applyOpacity scales each map layer's opacity by its planner layer's setting. */
  private applyOpacity(name: LayerName): void {
    for (const [id, prop, full] of opacityPaint[name]) {
      if (this.ctx.map.getLayer(id)) this.ctx.map.setPaintProperty(id, prop as 'fill-opacity', full * this.state[name].opacity);
    }
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
                name === 'outlets'
                  ? t('planner.tiles', { count: formatNumber(st.count) })
                  : name === 'access'
                    ? t('planner.cells', { count: formatNumber(st.count) })
                    : t('planner.count', { count: formatNumber(st.count) }),
              )
            : null,
        ),
        st.on
          ? h(
              'label',
              { class: 'opacity' },
              t('planner.opacity'),
              h('input', {
                type: 'range',
                min: '0',
                max: '100',
                step: '10',
                value: String(Math.round(st.opacity * 100)),
                'aria-label': t('planner.opacityOf', { layer: t(label) }),
                oninput: (e: Event) => {
                  st.opacity = Number((e.target as HTMLInputElement).value) / 100;
                  this.applyOpacity(name);
                },
              }),
            )
          : null,
        extra ?? null,
        st.on && st.error ? message(st.error, 'error') : null,
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
      this.ctx.map.setFilter('outlets-points', v ? ['==', ['get', 'category'], v] : null);
      this.updateLegend();
    }, 'planner.category');
    const accessSelect = select(this.accessCategory, this.cats.filter((c) => c.tier === 'basic'), null, (v) => {
      this.accessCategory = v;
      this.suggest.clear();
      this.state.access.count = null;
      this.load('access');
    }, 'planner.accessCategory');

    fill(
      this.ctx.panel,
      h('h2', {}, t('planner.title')),
      this.catsError ? message(this.catsError, 'error') : null,
      row('outlets', 'planner.outlets', h('div', {}, this.cats.length ? outletSelect : null, this.ctx.map.getZoom() < outletsFullZoom ? h('p', { class: 'hint small' }, t('planner.tilesThinned')) : null)),
      row('communities', 'planner.communities'),
      this.coverage.el,
      row('circles', 'planner.circles'),
      row('access', 'planner.access', h('div', {}, this.cats.length ? accessSelect : null)),
      this.toolSection('suggest', t('suggest.title'), this.suggest.el),
      this.toolSection('scenario', t('scenario.title'), this.scenario.el),
      this.toolSection('walk', t('walk.title'), this.walk.el),
      this.toolSection('import', t('import.title'), this.importer.el),
    );
    this.coverage.render();
    this.suggest.render();
    this.scenario.render();
    this.importer.render();
    this.walk.render();
    this.updateLegend();
  }

  /** toolSection wraps a tool in a collapsible section that keeps its open state across redraws. */
  private toolSection(name: string, title: string, body: HTMLElement): HTMLElement {
    let d = this.sections.get(name);
    if (!d) {
      d = h('details', { class: 'tool-section', 'data-tool': name });
      this.sections.set(name, d);
    }
    d.replaceChildren(h('summary', {}, title), body);
    return d;
  }
}
