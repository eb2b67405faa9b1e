// The map: MapLibre with the style the server builds from its configuration
// (/api/v1/map/style.json): an optional base map, county boundaries, the
// walking network and Chinese labels. The style names no glyph server, so
// MapLibre draws every label with the browser's own fonts and the map works
// offline; localIdeographFontFamily picks the CJK fonts.

import * as maplibregl from 'maplibre-gl';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { emptyCollection, type FeatureCollection } from './shapes';
import { viewFromQuery } from './place';

maplibregl.setWorkerUrl(workerUrl);

/** Jining city centre, the default view. */
export const jining = { center: [116.587, 35.415] as [number, number], zoom: 9 };

/** The server's map style. */
export const styleUrl = '/api/v1/map/style.json';

/** Fonts for Chinese labels, first found wins: common on Linux, Windows, macOS, then the browser's default. */
export const cjkFonts = "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', sans-serif";

/** Layers whose id starts with this are labels; views draw under them. */
export const labelPrefix = 'label-';

/** fallbackStyle is a plain background, for when the server's style cannot be had. */
export function fallbackStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1ec' } }],
  };
}

/**
 * Performance marks: the map made, its style loaded, the first frame that
 * draws features of our data (boundaries, labels, a view's layers), and the
 * first time everything in view has loaded and drawn.
 */
export const marks = { created: 'qh-map-created', styled: 'qh-map-styled', firstData: 'qh-first-map', idle: 'qh-map-idle' };

/**
 * createMap makes the map in container with the navigation and scale
 * controls; onStyleError is told when the server's style failed and the
 * plain fallback is drawn instead.
 */
export function createMap(container: HTMLElement, onStyleError?: (message: string) => void): maplibregl.Map {
  const view = viewFromQuery(location.search) ?? jining;
  const map = new maplibregl.Map({
    container,
    style: location.origin + styleUrl,
    center: view.center,
    zoom: view.zoom,
    attributionControl: { compact: true },
    maxPitch: 0,
    dragRotate: false,
    localIdeographFontFamily: cjkFonts,
  });
  mark(marks.created);
  let styled = false;
  loaded.set(
    map,
    new Promise((resolve) => {
      map.once('style.load', () => {
        styled = true;
        resolve();
      });
    }),
  );
  map.on('error', (e) => {
    if (styled) return;
    styled = true;
    onStyleError?.(e.error?.message ?? String(e.error ?? 'error'));
    map.setStyle(fallbackStyle());
  });
  map.once('style.load', () => mark(marks.styled));
  const drawn = () => {
    if (map.queryRenderedFeatures().some((f) => f.layer.type !== 'background' && f.layer.type !== 'raster')) {
      mark(marks.firstData);
      map.off('render', drawn);
    }
  };
  map.on('render', drawn);
  map.once('load', () => map.once('idle', () => mark(marks.idle)));
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  keepAttributionFolded(map);
  return map;
}

function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

/**
 * keepAttributionFolded keeps the attribution folded behind its button on a
 * small map, where MapLibre would open it over the map whenever a source
 * adds its text; a tap on the button still opens it.
 */
function keepAttributionFolded(map: maplibregl.Map): void {
  const box = map.getContainer().querySelector<HTMLElement>('.maplibregl-ctrl-attrib');
  if (!box || typeof MutationObserver === 'undefined') return;
  let opened = false;
  box.querySelector('.maplibregl-ctrl-attrib-button')?.addEventListener('click', () => {
    opened = true;
  });
  const fold = () => {
    if (!opened && box.classList.contains('maplibregl-compact-show') && map.getContainer().offsetWidth <= smallMapPx) box.classList.remove('maplibregl-compact-show');
  };
  new MutationObserver(fold).observe(box, { attributes: true, attributeFilter: ['class'] });
  fold();
}

/** Below this width the attribution stays folded. */
const smallMapPx = 720;

const loaded = new WeakMap<maplibregl.Map, Promise<void>>();

/**
 * whenLoaded resolves once the map's style has loaded, so views may add
 * their sources and layers; their data requests need not wait for the
 * first tiles. (isStyleLoaded is no guide: it turns false again while any
 * added source is still loading.)
 */
export function whenLoaded(map: maplibregl.Map): Promise<void> {
  return loaded.get(map) ?? Promise.reject(new Error('map was not made by createMap'));
}

/** firstLabelLayer is the id of the lowest label layer of the style, if any. */
export function firstLabelLayer(map: maplibregl.Map): string | undefined {
  return map.getStyle()?.layers?.find((l) => l.id.startsWith(labelPrefix))?.id;
}

/** setData puts data into the GeoJSON source id, creating it when missing. */
export function setData(map: maplibregl.Map, id: string, data: FeatureCollection = emptyCollection()): void {
  const src = map.getSource(id) as maplibregl.GeoJSONSource | undefined;
  if (src) src.setData(data);
  else map.addSource(id, { type: 'geojson', data });
}

/**
 * Layers is the set of sources and layers a view adds, removed together when
 * the view is left, so views never see each other's layers. Layers go under
 * the style's labels unless placed before another layer.
 */
export class Layers {
  private layerIds: string[] = [];
  private sourceIds = new Set<string>();

  constructor(readonly map: maplibregl.Map) {}

  source(id: string, data?: FeatureCollection): void {
    setData(this.map, id, data);
    this.sourceIds.add(id);
  }

  /** tiles adds a vector tile source from a TileJSON URL, or points an existing one at url. */
  tiles(id: string, url: string): void {
    const src = this.map.getSource(id) as maplibregl.VectorTileSource | undefined;
    if (src) src.setUrl(url);
    else this.map.addSource(id, { type: 'vector', url });
    this.sourceIds.add(id);
  }

  layer(spec: LayerSpecification, beforeId?: string): void {
    if (this.map.getLayer(spec.id)) return;
    const before = beforeId && this.map.getLayer(beforeId) ? beforeId : firstLabelLayer(this.map);
    this.map.addLayer(spec, before);
    this.layerIds.push(spec.id);
  }

  visible(id: string, on: boolean): void {
    if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  }

  removeAll(): void {
    for (const id of this.layerIds.reverse()) if (this.map.getLayer(id)) this.map.removeLayer(id);
    for (const id of this.sourceIds) if (this.map.getSource(id)) this.map.removeSource(id);
    this.layerIds = [];
    this.sourceIds.clear();
  }
}

/** bbox is the map's visible [west, south, east, north]. */
export function bbox(map: maplibregl.Map): [number, number, number, number] {
  const b = map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}

/** A place to show: a point, and for areas a box to fit. */
export interface Place {
  lon: number;
  lat: number;
  bbox?: [number, number, number, number];
}

/** showPlace moves the map to a place: fits an area, or flies to a point at street zoom. */
export function showPlace(map: maplibregl.Map, p: Place): void {
  if (p.bbox) {
    const [w, s, e, n] = p.bbox;
    map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding: 40, maxZoom: 16 },
    );
  } else {
    map.flyTo({ center: [p.lon, p.lat], zoom: Math.max(map.getZoom(), 16) });
  }
}

export { maplibregl };
