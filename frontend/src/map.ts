// The map: MapLibre with no external tiles, fonts or glyphs. The base is our
// own data (county boundaries); a raster basemap is optional configuration.
// Labels live in HTML popups and panels, so no layer needs a glyph server.

import * as maplibregl from 'maplibre-gl';
import type { LayerSpecification, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { emptyCollection, type FeatureCollection } from './shapes';
import { viewFromQuery } from './place';

maplibregl.setWorkerUrl(workerUrl);

/** Jining city centre, the default view. */
export const jining = { center: [116.587, 35.415] as [number, number], zoom: 9 };

/** basemapConfig is a raster tile URL template ({z}/{x}/{y}) and its attribution, if one is configured. */
export function basemapConfig(): { url: string; attribution: string } | null {
  const fromStorage = (() => {
    try {
      return localStorage.getItem('qh.basemap');
    } catch {
      return null;
    }
  })();
  const url = fromStorage || import.meta.env.VITE_BASEMAP_URL || '';
  if (!url) return null;
  return { url, attribution: import.meta.env.VITE_BASEMAP_ATTRIBUTION || '' };
}

/** baseStyle is a style with a plain background, the optional raster basemap, and no glyphs or sprite. */
export function baseStyle(basemap = basemapConfig()): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1ec' } }],
  };
  if (basemap) {
    style.sources.basemap = { type: 'raster', tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  return style;
}

/** createMap makes the map in container with the navigation and scale controls. */
export function createMap(container: HTMLElement): maplibregl.Map {
  const view = viewFromQuery(location.search) ?? jining;
  const map = new maplibregl.Map({
    container,
    style: baseStyle(),
    center: view.center,
    zoom: view.zoom,
    attributionControl: { compact: true },
    maxPitch: 0,
    dragRotate: false,
  });
  loaded.set(map, new Promise((resolve) => map.once('load', () => resolve())));
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  keepAttributionFolded(map);
  return map;
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
 * whenLoaded resolves once the map has fired "load". (isStyleLoaded is no
 * guide: it turns false again while any added source is still loading.)
 */
export function whenLoaded(map: maplibregl.Map): Promise<void> {
  return loaded.get(map) ?? Promise.reject(new Error('map was not made by createMap'));
}

/** setData puts data into the GeoJSON source id, creating it when missing. */
export function setData(map: maplibregl.Map, id: string, data: FeatureCollection = emptyCollection()): void {
  const src = map.getSource(id) as maplibregl.GeoJSONSource | undefined;
  if (src) src.setData(data);
  else map.addSource(id, { type: 'geojson', data });
}

/**
 * Layers is the set of sources and layers a view adds, removed together when
 * the view is left, so views never see each other's layers.
 */
export class Layers {
  private layerIds: string[] = [];
  private sourceIds = new Set<string>();

  constructor(readonly map: maplibregl.Map) {}

  source(id: string, data?: FeatureCollection): void {
    setData(this.map, id, data);
    this.sourceIds.add(id);
  }

  layer(spec: LayerSpecification, beforeId?: string): void {
    if (this.map.getLayer(spec.id)) return;
    this.map.addLayer(spec, beforeId && this.map.getLayer(beforeId) ? beforeId : undefined);
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

export { maplibregl };
