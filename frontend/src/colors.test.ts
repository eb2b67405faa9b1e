import { describe, expect, it } from 'vitest';
import type { Category } from './categories';
import { categoryColor, categoryColorExpression, categoryColors, contrastRatio, tierPalettes, unknownColor } from './colors';

const cat = (code: string, tier: Category['tier']): Category => ({ code, name_zh: code, name_en: code, tier });
const list: Category[] = [
  cat('convenience_store', 'basic'),
  cat('supermarket', 'basic'),
  cat('cafe', 'quality'),
  cat('health_station', 'public'),
  cat('pharmacy', 'basic'),
];

describe('category colours', () => {
  it('gives each category a colour from its group, in taxonomy order', () => {
    const c = categoryColors(list);
    expect(c.get('convenience_store')).toBe(tierPalettes.basic[0]);
    expect(c.get('supermarket')).toBe(tierPalettes.basic[1]);
    expect(c.get('pharmacy')).toBe(tierPalettes.basic[2]);
    expect(c.get('cafe')).toBe(tierPalettes.quality[0]);
    expect(c.get('health_station')).toBe(tierPalettes.public[0]);
  });

  it('keeps a colour stable: the same list gives the same colours', () => {
    expect([...categoryColors(list)]).toEqual([...categoryColors(list.slice())]);
    expect(categoryColor('supermarket', list)).toBe(categoryColor('supermarket', list));
  });

  it('gives distinct colours within a group as long as the family lasts', () => {
    for (const tier of ['basic', 'quality', 'public'] as const) {
      const n = tierPalettes[tier].length;
      expect(new Set(tierPalettes[tier]).size, tier).toBe(n);
      const many = Array.from({ length: n }, (_, i) => cat(`${tier}-${i}`, tier));
      expect(new Set(categoryColors(many).values()).size).toBe(n);
    }
  });

  it('has room for the shipped taxonomy: 13 basic, 10 quality, 4 public', () => {
    expect(tierPalettes.basic.length).toBeGreaterThanOrEqual(13);
    expect(tierPalettes.quality.length).toBeGreaterThanOrEqual(10);
    expect(tierPalettes.public.length).toBeGreaterThanOrEqual(4);
  });

  it('never repeats a colour across groups', () => {
    const all = [...tierPalettes.basic, ...tierPalettes.quality, ...tierPalettes.public];
    expect(new Set(all).size).toBe(all.length);
  });

  it('keeps every colour visible on the light map and on white (3:1 or more)', () => {
    for (const c of [...tierPalettes.basic, ...tierPalettes.quality, ...tierPalettes.public, unknownColor]) {
      expect(contrastRatio(c, '#eef1ec'), c).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(c, '#ffffff'), c).toBeGreaterThanOrEqual(3);
    }
  });

  it('uses the neutral colour for unknown categories', () => {
    expect(categoryColor('spaceport', list)).toBe(unknownColor);
    expect(categoryColors([{ ...cat('x', 'basic'), tier: 'other' as never }]).get('x')).toBe(unknownColor);
  });

  it('builds a match expression with a fallback', () => {
    const e = categoryColorExpression(list) as unknown[];
    expect(e.slice(0, 2)).toEqual(['match', ['get', 'category']]);
    expect(e[2]).toBe('convenience_store');
    expect(e[3]).toBe(tierPalettes.basic[0]);
    expect(e[e.length - 1]).toBe(unknownColor);
    expect(categoryColorExpression([])).toBe(unknownColor);
  });
});

describe('contrastRatio', () => {
  it('matches WCAG for black and white', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
  });
});
