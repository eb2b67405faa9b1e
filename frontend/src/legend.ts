// Map legends: what each visible layer's colours mean. The sections are
// plain data built by the functions below (tested without a browser); the
// LegendControl draws them in a corner of the map.

import type { IControl, Map as MapLibreMap } from 'maplibre-gl';
import type { Category } from './categories';
import { categoryColors, tierColor, type Tier } from './colors';
import { h } from './dom';
import { lang, pick, t, type Key } from './i18n';
import { gapClasses } from './ramp';

export type Swatch = 'dot' | 'fill' | 'line' | 'ring' | 'pin';

export interface LegendItem {
  label: string;
  color: string;
  swatch: Swatch;
}

export interface LegendSection {
  id: string;
  title: string;
  items: LegendItem[];
  /** lay the items out in two columns (long lists of short names) */
  columns?: 2;
  /** a sentence under the items, e.g. how cells merge when zoomed out */
  note?: string;
}

const tierOrder: Tier[] = ['basic', 'quality', 'public'];

/**
 * outletLegend has one section per category group, naming the categories
 * with their colours. only limits it to those codes (the categories in a
 * result list, or the one a filter picked); without it every category is
 * named.
 */
export function outletLegend(list: Category[], only?: Iterable<string>): LegendSection[] {
  const colors = categoryColors(list);
  const keep = only ? new Set(only) : null;
  const l = lang();
  const sections: LegendSection[] = [];
  for (const tier of tierOrder) {
    const items = list
      .filter((c) => c.tier === tier && (!keep || keep.has(c.code)))
      .map((c) => ({ label: pick(c.name_zh, c.name_en, l), color: colors.get(c.code)!, swatch: 'dot' as const }));
    if (items.length) sections.push({ id: `outlets-${tier}`, title: t(`tier.${tier}` as Key), items, columns: items.length > 4 ? 2 : undefined });
  }
  return sections;
}

/** tierLegend names the three groups by their representative colours (when the categories are not known). */
export function tierLegend(): LegendSection {
  return {
    id: 'outlets',
    title: t('legend.outlets'),
    items: tierOrder.map((tier) => ({ label: t(`tier.${tier}` as Key), color: tierColor[tier], swatch: 'dot' as const })),
  };
}

/**
 * gapLegend explains the gap layer's cells: walking-time classes, residents
 * beyond the walk or with no walk at all (the alarm), cells without
 * residents, and how cells merge as the map zooms out.
 */
export function gapLegend(): LegendSection {
  return {
    id: 'access',
    title: t('legend.gap'),
    items: gapClasses().map((c) => ({
      label: c.kind === 'minutes' ? t('legend.minutesRange', { range: c.label }) : c.kind === 'beyond' ? t('legend.gapBeyond', { minutes: c.label }) : t('legend.noResidents'),
      color: c.color,
      swatch: 'fill' as const,
    })),
    note: t('legend.gapNote'),
  };
}

/** The walking-area bands, nearest first. */
export const bandColors = ['#08519c', '#3182bd', '#9ecae1'];
export const bandMinutes = [5, 10, 15];

/** bandLegend names the 5, 10 and 15-minute bands of a walking area. */
export function bandLegend(minutes: number[] = bandMinutes): LegendSection {
  let lo = 0;
  return {
    id: 'bands',
    title: t('legend.bands'),
    items: minutes.map((m) => {
      const at = bandMinutes.indexOf(m);
      const item = { label: t('legend.minutesRange', { range: `${lo}–${m}` }), color: bandColors[at < 0 ? bandColors.length - 1 : at], swatch: 'fill' as const };
      lo = m;
      return item;
    }),
  };
}

/** The served-community shading of a circle: share of residents within the walk. */
export const shareStops: [number, string][] = [
  [0, '#d7301f'],
  [0.5, '#fdae61'],
  [1, '#1a9850'],
];

/** shareLegend explains the served-community shading. */
export function shareLegend(): LegendSection {
  return {
    id: 'served',
    title: t('legend.served'),
    items: [
      { label: t('legend.shareAll'), color: shareStops[2][1], swatch: 'fill' },
      { label: t('legend.shareHalf'), color: shareStops[1][1], swatch: 'fill' },
      { label: t('legend.shareNone'), color: shareStops[0][1], swatch: 'fill' },
    ],
  };
}

/** simpleSection is a one-line section: one layer drawn in one way. */
export function simpleSection(id: string, label: string, color: string, swatch: Swatch): LegendSection {
  return { id, title: '', items: [{ label, color, swatch }] };
}

/** renderLegend draws sections as HTML: a heading and a list of swatches for each. */
export function renderLegend(sections: LegendSection[]): HTMLElement[] {
  return sections.map((s) =>
    h(
      'div',
      { class: 'legend-section', 'data-legend': s.id },
      s.title ? h('div', { class: 'legend-heading' }, s.title) : null,
      h(
        'ul',
        { class: s.columns ? 'legend-list cols' : 'legend-list' },
        s.items.map((i) => h('li', {}, h('i', { class: `sw sw-${i.swatch}`, style: `--c:${i.color}`, 'aria-hidden': 'true' }), i.label)),
      ),
      s.note ? h('p', { class: 'legend-note' }, s.note) : null,
    ),
  );
}

/**
 * LegendControl is the legend in a corner of the map: a collapsible box
 * (collapsed at first on small screens) redrawn by update().
 */
export class LegendControl implements IControl {
  readonly el: HTMLDetailsElement;
  private body = h('div', { class: 'legend-body' });
  private summary = h('summary', {}, t('legend.title'));

  constructor() {
    this.el = h('details', { class: 'maplibregl-ctrl map-legend' }, this.summary, this.body);
    this.el.open = typeof matchMedia === 'undefined' || !matchMedia('(max-width: 720px)').matches;
  }

  onAdd(_map: MapLibreMap): HTMLElement {
    return this.el;
  }

  onRemove(): void {
    this.el.remove();
  }

  update(sections: LegendSection[]): void {
    const shown = sections.filter((s) => s.items.length);
    this.el.hidden = shown.length === 0;
    this.summary.textContent = t('legend.title');
    this.body.replaceChildren(...renderLegend(shown));
  }
}
