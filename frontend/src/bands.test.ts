import { describe, expect, it } from 'vitest';
import { bandCollection, bandFill } from './bands';
import { bandColors } from './legend';

const square = (d: number): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[0, 0], [d, 0], [d, d], [0, d], [0, 0]]] });

describe('bands', () => {
  it('draws the widest band first and leaves out bands without a polygon', () => {
    const fc = bandCollection([
      { minutes: 5, polygon: square(1) },
      { minutes: 15, polygon: square(3) },
      { minutes: 10, polygon: null },
    ]);
    expect(fc.features.map((f) => f.properties.minutes)).toEqual([15, 5]);
  });

  it('colours the nearest band darkest and the outer band last', () => {
    expect(bandFill()).toEqual(['match', ['get', 'minutes'], 5, bandColors[0], 10, bandColors[1], bandColors[2]]);
  });
});
