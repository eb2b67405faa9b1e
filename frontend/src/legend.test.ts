// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { Category } from './categories';
import { categoryColors } from './colors';
import { restoreLang } from './i18n';
import { bandLegend, gapLegend, LegendControl, outletLegend, renderLegend, shareLegend, tierLegend } from './legend';
import { gapClasses, gapExpression, gapRamp, noResidentsColor } from './ramp';

afterEach(() => restoreLang(null));

const cat = (code: string, name_zh: string, tier: Category['tier']): Category => ({ code, name_zh, name_en: code, tier });
const list = [cat('convenience_store', '便利店', 'basic'), cat('supermarket', '综合超市', 'basic'), cat('cafe', '咖啡店', 'quality'), cat('health_station', '卫生服务站', 'public')];

describe('outletLegend', () => {
  it('has a section per group with the categories in their colours', () => {
    const s = outletLegend(list);
    expect(s.map((x) => x.title)).toEqual(['基本保障类', '品质提升类', '公共服务类']);
    expect(s[0].items.map((i) => i.label)).toEqual(['便利店', '综合超市']);
    expect(s[0].items[1].color).toBe(categoryColors(list).get('supermarket'));
    expect(s.every((x) => x.items.every((i) => i.swatch === 'dot'))).toBe(true);
  });

  it('names only the categories asked for, leaving out empty groups', () => {
    const s = outletLegend(list, ['cafe', 'convenience_store']);
    expect(s.map((x) => x.id)).toEqual(['outlets-basic', 'outlets-quality']);
    expect(s[0].items.map((i) => i.label)).toEqual(['便利店']);
    expect(outletLegend(list, [])).toEqual([]);
  });

  it('keeps a category\'s colour when others are left out', () => {
    const all = outletLegend(list)[0].items.find((i) => i.label === '综合超市')!.color;
    const some = outletLegend(list, ['supermarket'])[0].items[0].color;
    expect(some).toBe(all);
  });

  it('names the categories in English when asked', () => {
    restoreLang('en');
    expect(outletLegend(list, ['cafe'])[0]).toMatchObject({ title: 'Quality services', items: [{ label: 'cafe' }] });
  });

  it('falls back to the three groups', () => {
    expect(tierLegend().items.map((i) => i.label)).toEqual(['基本保障类', '品质提升类', '公共服务类']);
  });
});

describe('gap layer', () => {
  it('lists the minute classes, beyond the walk, and no residents last', () => {
    const s = gapLegend();
    expect(s.items.map((i) => i.label)).toEqual(['0–5 分钟', '5–10 分钟', '10–15 分钟', '超过 15 分钟或步行不可达（有居民）', '无居民']);
    expect(s.note).toContain('人口加权');
    expect(s.items[4].color).toBe(noResidentsColor);
    expect(s.items.map((i) => i.color).slice(0, 4)).toEqual(gapRamp.map((r) => r.color));
  });

  it('classes match the paint expression', () => {
    expect(gapClasses().map((c) => c.kind)).toEqual(['minutes', 'minutes', 'minutes', 'beyond', 'empty']);
    const e = gapExpression() as unknown[];
    expect(e[0]).toBe('case');
    expect(e[2]).toBe(noResidentsColor);
    // Most residents beyond the walk: the alarm colour, the same as no time at all.
    expect(e[4]).toBe(gapRamp[3].color);
    const step = e[5] as unknown[];
    expect(step[0]).toBe('step');
    expect(step[2]).toBe(gapRamp[0].color);
    expect(step.slice(3)).toEqual([5, gapRamp[1].color, 10, gapRamp[2].color, 15, gapRamp[3].color]);
  });
});

describe('bands and served communities', () => {
  it('names the 5, 10 and 15-minute bands', () => {
    expect(bandLegend().items.map((i) => i.label)).toEqual(['0–5 分钟', '5–10 分钟', '10–15 分钟']);
    expect(new Set(bandLegend().items.map((i) => i.color)).size).toBe(3);
  });

  it('explains the shading from all to none', () => {
    expect(shareLegend().items.map((i) => i.label)).toEqual(['全部', '约一半', '无']);
  });
});

describe('rendering', () => {
  it('draws headings, swatches and labels', () => {
    const [el] = renderLegend([gapLegend()]);
    expect(el.getAttribute('data-legend')).toBe('access');
    expect(el.querySelector('.legend-heading')!.textContent).toBe('步行到最近网点');
    expect(el.querySelectorAll('li').length).toBe(5);
    expect(el.querySelector('.legend-note')!.textContent).toContain('H3');
    expect(el.querySelector('li i')!.getAttribute('style')).toContain('--c:');
    expect(el.querySelector('li i')!.getAttribute('aria-hidden')).toBe('true');
  });

  it('hides the control when no section has items', () => {
    const c = new LegendControl();
    c.update([]);
    expect(c.el.hidden).toBe(true);
    c.update([bandLegend(), { id: 'x', title: 'x', items: [] }]);
    expect(c.el.hidden).toBe(false);
    expect(c.el.querySelectorAll('.legend-section').length).toBe(1);
    expect(c.el.querySelector('summary')!.textContent).toBe('图例');
  });
});
