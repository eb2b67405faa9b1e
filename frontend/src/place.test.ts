import { describe, expect, it } from 'vitest';
import { viewFromQuery } from './place';

describe('viewFromQuery', () => {
  it('reads centre and zoom', () => {
    expect(viewFromQuery('?center=116.575,35.409&zoom=15')).toEqual({ center: [116.575, 35.409], zoom: 15 });
  });
  it('defaults the zoom and clamps it', () => {
    expect(viewFromQuery('?center=116.5,35.4')?.zoom).toBe(14);
    expect(viewFromQuery('?center=116.5,35.4&zoom=40')?.zoom).toBe(20);
  });
  it('ignores missing or impossible centres', () => {
    expect(viewFromQuery('')).toBeNull();
    expect(viewFromQuery('?center=abc')).toBeNull();
    expect(viewFromQuery('?center=200,35')).toBeNull();
    expect(viewFromQuery('?center=116,35,1')).toBeNull();
  });
});
