// Walking areas in bands: the 15-minute area with the 5 and 10-minute areas
// from the same place drawn over it. GET /api/v1/isochrone answers one
// polygon per walk (its node list carries distances but no coordinates), so
// each band is its own request with a shorter walk.

import { api } from './api';
import { bandColors, bandMinutes } from './legend';
import type { Layers } from './map';
import type { FeatureCollection } from './shapes';

export interface BandResult {
  minutes: number;
  polygon: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
}

/** bandCollection puts the bands that have a polygon into one collection, the widest first so narrower ones draw on top. */
export function bandCollection(results: BandResult[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: results
      .filter((r) => r.polygon)
      .sort((a, b) => b.minutes - a.minutes)
      .map((r) => ({ type: 'Feature' as const, geometry: r.polygon!, properties: { minutes: r.minutes } })),
  };
}

/** bandFill is the fill colour expression: nearest band darkest. */
export function bandFill(minutes: number[] = bandMinutes): unknown[] {
  const expr: unknown[] = ['match', ['get', 'minutes']];
  minutes.slice(0, -1).forEach((m, i) => expr.push(m, bandColors[i]));
  expr.push(bandColors[minutes.length - 1] ?? bandColors[bandColors.length - 1]);
  return expr;
}

/** innerBands asks for the walks shorter than outer from the same place; a failed band is left out (null). */
export function innerBands(q: Record<string, string | number | undefined>, outer: number): Promise<BandResult | null>[] {
  return bandMinutes
    .filter((m) => m < outer)
    .map((m) =>
      api
        .get<{ polygon?: BandResult['polygon'] }>('/api/v1/isochrone', { ...q, minutes: m })
        .then((r) => ({ minutes: m, polygon: r.polygon ?? null }))
        .catch(() => null),
    );
}

/** addBandLayers adds the fill of the bands and the outline of the outer walk for source id. */
export function addBandLayers(layers: Layers, id: string, outer: number, beforeId?: string): void {
  layers.layer({ id: `${id}-fill`, type: 'fill', source: id, paint: { 'fill-color': bandFill() as never, 'fill-opacity': 0.3 } }, beforeId);
  layers.layer({ id: `${id}-line`, type: 'line', source: id, filter: ['==', ['get', 'minutes'], outer], paint: { 'line-color': '#08589e', 'line-width': 2 } }, beforeId);
}
