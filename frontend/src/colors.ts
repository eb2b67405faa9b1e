// Colours of outlets by category. Each category group has a family of hues,
// basic services warm, quality services cool, public services green, so the
// group reads at a glance and the category on a closer look. A category keeps
// its colour wherever it is drawn: the colour follows its place in the
// taxonomy, never what happens to be in view.

import type { Category } from './categories';

export type Tier = Category['tier'];

/** The colour families, darkest first; every colour keeps at least 3:1 against the light map. */
export const tierPalettes: Record<Tier, string[]> = {
  basic: ['#c2410c', '#b91c1c', '#a16207', '#9a3412', '#be123c', '#92400e', '#dc2626', '#b45309', '#7f1d1d', '#c2185b', '#8d6e00', '#e65100', '#a1442b'],
  quality: ['#1d4ed8', '#6d28d9', '#0369a1', '#7e22ce', '#4338ca', '#1e40af', '#86198f', '#2563eb', '#5b21b6', '#0e7490'],
  public: ['#15803d', '#047857', '#3f6212', '#0f766e', '#166534'],
};

/** tierColor is the representative colour of a whole group. */
export const tierColor: Record<Tier, string> = {
  basic: tierPalettes.basic[0],
  quality: tierPalettes.quality[0],
  public: tierPalettes.public[0],
};

/** Outlets of a category the taxonomy does not name. */
export const unknownColor = '#57606a';

/** categoryColors gives each category of list a colour from its group's family, in taxonomy order. */
export function categoryColors(list: Category[]): Map<string, string> {
  const out = new Map<string, string>();
  const seen: Record<string, number> = {};
  for (const c of list) {
    const palette = tierPalettes[c.tier];
    if (!palette) {
      out.set(c.code, unknownColor);
      continue;
    }
    const i = seen[c.tier] ?? 0;
    seen[c.tier] = i + 1;
    out.set(c.code, palette[i % palette.length]);
  }
  return out;
}

/** categoryColor is the colour of code under list, the neutral colour when list does not name it. */
export function categoryColor(code: string, list: Category[]): string {
  return categoryColors(list).get(code) ?? unknownColor;
}

/** categoryColorExpression is the MapLibre paint expression colouring features by their "category" property. */
export function categoryColorExpression(list: Category[], property = 'category'): unknown {
  const colors = categoryColors(list);
  if (colors.size === 0) return unknownColor;
  const expr: unknown[] = ['match', ['get', property]];
  for (const [code, color] of colors) expr.push(code, color);
  expr.push(unknownColor);
  return expr;
}

/** relativeLuminance of a #rrggbb colour (WCAG 2). */
export function relativeLuminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

/** contrastRatio of two #rrggbb colours (WCAG 2), from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
