import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { boundsOf, hasSynthetic, records, toCollection } from './shapes';

describe('records', () => {
  it('reads bare arrays, wrapped arrays and feature properties', () => {
    expect(records([{ id: 1 }])).toEqual([{ id: 1 }]);
    expect(records({ outlets: [{ id: 2 }], count: 1 })).toEqual([{ id: 2 }]);
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', id: 3, geometry: null, properties: { name: 'a' } }] };
    expect(records(fc)).toEqual([{ name: 'a', id: 3, geometry: null }]);
    expect(records(null)).toEqual([]);
  });
});

describe('toCollection', () => {
  it('turns lon/lat records into points', () => {
    const fc = toCollection({ outlets: [{ id: 1, lon: 116.58, lat: 35.41, name: '药店' }] });
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].geometry).toEqual({ type: 'Point', coordinates: [116.58, 35.41] });
    expect(fc.features[0].properties.name).toBe('药店');
  });

  it('takes a region boundary as the geometry and skips regions without one', () => {
    const square = { type: 'MultiPolygon', coordinates: [[[[116, 35], [117, 35], [117, 36], [116, 35]]]] };
    const fc = toCollection({ regions: [{ code: '370811000000', name: '任城区', boundary: square }, { code: '370800000000', boundary: null }] });
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].geometry).toEqual(square);
    expect(fc.features[0].properties).toEqual({ code: '370811000000', name: '任城区' });
  });

  it('turns H3 cells into closed hexagons around the cell', () => {
    const cell = latLngToCell(35.41, 116.58, 10);
    const fc = toCollection({ cells: [{ h3: cell, minutes: 7 }] });
    const g = fc.features[0].geometry as GeoJSON.Polygon;
    expect(g.type).toBe('Polygon');
    const ring = g.coordinates[0];
    expect(ring.length).toBe(7);
    expect(ring[0]).toEqual(ring[6]);
    const [w, s, e, n] = boundsOf(fc)!;
    expect(w).toBeLessThan(116.58);
    expect(e).toBeGreaterThan(116.58);
    expect(s).toBeLessThan(35.41);
    expect(n).toBeGreaterThan(35.41);
    expect(e - w).toBeLessThan(0.01);
    expect(fc.features[0].properties.minutes).toBe(7);
  });

  it('drops features without geometry', () => {
    const fc = toCollection({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: null, properties: {} },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} },
      ],
    });
    expect(fc.features).toHaveLength(1);
  });
});

describe('hasSynthetic', () => {
  it('finds the synthetic flag in records and features', () => {
    expect(hasSynthetic([{ synthetic: false }, { synthetic: true }])).toBe(true);
    expect(hasSynthetic({ outlets: [{ synthetic: false }] })).toBe(false);
    expect(hasSynthetic({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: { synthetic: true } }] })).toBe(true);
  });
});

describe('boundsOf', () => {
  it('spans every coordinate of nested geometries', () => {
    const fc = toCollection({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [[[[1, 1], [3, 1], [3, 4], [1, 1]]]] } },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-2, 0.5] } },
      ],
    });
    expect(boundsOf(fc)).toEqual([-2, 0.5, 3, 4]);
    expect(boundsOf({ type: 'FeatureCollection', features: [] })).toBeNull();
  });
});
