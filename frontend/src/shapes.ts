// Reading API answers into the GeoJSON and records the views draw, whatever
// the exact wrapping the server uses (bare arrays, {items}, FeatureCollections).

import { cellToBoundary } from 'h3-js';

export type Feature = GeoJSON.Feature<GeoJSON.Geometry, Record<string, unknown>>;
export type FeatureCollection = GeoJSON.FeatureCollection<GeoJSON.Geometry, Record<string, unknown>>;

export const emptyCollection = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

function isCollection(v: unknown): v is FeatureCollection {
  return !!v && typeof v === 'object' && (v as { type?: string }).type === 'FeatureCollection';
}

/** records returns the list of objects in data: a bare array, the first array property, or the properties of features. */
export function records(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data as Record<string, unknown>[];
  if (isCollection(data)) return data.features.map((f) => ({ ...f.properties, id: f.properties?.id ?? f.id, geometry: f.geometry }));
  if (data && typeof data === 'object') {
    for (const v of Object.values(data)) if (Array.isArray(v)) return v as Record<string, unknown>[];
  }
  return [];
}

/**
 * toCollection returns data as a FeatureCollection: as is (less features
 * without geometry), or from records with a geometry or boundary, lon/lat, or
 * an H3 cell.
 */
export function toCollection(data: unknown): FeatureCollection {
  if (isCollection(data)) return { ...data, features: data.features.filter((f) => f.geometry) };
  const features: Feature[] = [];
  for (const r of records(data)) {
    const props = { ...r };
    delete props.geometry;
    delete props.boundary;
    const cell = (r.h3 ?? r.cell) as string | undefined;
    const geometry = r.geometry ?? r.boundary;
    if (geometry && typeof geometry === 'object') {
      features.push({ type: 'Feature', geometry: geometry as GeoJSON.Geometry, properties: props });
    } else if (typeof r.lon === 'number' && typeof r.lat === 'number') {
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [r.lon, r.lat] }, properties: props });
    } else if (typeof cell === 'string') {
      features.push({ type: 'Feature', geometry: cellPolygon(cell), properties: props });
    }
  }
  return { type: 'FeatureCollection', features };
}

/** cellPolygon is the outline of an H3 cell as a GeoJSON polygon. */
export function cellPolygon(cell: string): GeoJSON.Polygon {
  const ring = cellToBoundary(cell, true);
  return { type: 'Polygon', coordinates: [ring] };
}

/** hasSynthetic reports whether any record or feature is flagged synthetic demo data. */
export function hasSynthetic(data: unknown): boolean {
  return records(data).some((r) => r.synthetic === true);
}

/** boundsOf returns [west, south, east, north] over every coordinate of fc, or null when it has none. */
export function boundsOf(fc: FeatureCollection): [number, number, number, number] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      return;
    }
    for (const x of c) visit(x);
  };
  for (const f of fc.features) {
    const g = f.geometry;
    if (g.type === 'GeometryCollection') g.geometries.forEach((x) => 'coordinates' in x && visit(x.coordinates));
    else visit(g.coordinates);
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
