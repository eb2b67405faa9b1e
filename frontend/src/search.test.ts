// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';
import { restoreLang } from './i18n';
import * as prefetched from './prefetch';
import { hitLabel, SearchBox, type SearchHit } from './search';

afterEach(() => {
  restoreLang(null);
  vi.restoreAllMocks();
  vi.useRealTimers();
  prefetched.forget();
});

const community: SearchHit = { kind: 'community', id: 1, name: '北门社区', detail: '任城区 · 社区', lon: 116.57, lat: 35.41, bbox: [116.56, 35.4, 116.58, 35.42] };
const outlet: SearchHit = { kind: 'outlet', id: 9, name: '北门便利店', lon: 116.571, lat: 35.411 };

describe('hitLabel', () => {
  it('names the place, its kind and where it is', () => {
    expect(hitLabel(community)).toBe('北门社区（社区 · 任城区 · 社区）');
    restoreLang('en');
    expect(hitLabel(outlet)).toBe('北门便利店（outlet）');
  });
});

describe('SearchBox', () => {
  it('lists the hits as options, moves with the arrows and picks with Enter', async () => {
    vi.useFakeTimers();
    const get = vi.spyOn(api, 'get').mockResolvedValue({ hits: [community, outlet] });
    const picked: SearchHit[] = [];
    const box = new SearchBox((h) => picked.push(h));
    document.body.append(box.el);
    const input = box.el.querySelector('input')!;
    expect(input.getAttribute('role')).toBe('combobox');
    expect(input.getAttribute('aria-label')).toBe('搜索地点');
    input.value = '北门';
    input.dispatchEvent(new Event('input'));
    await vi.runAllTimersAsync();
    expect(get).toHaveBeenCalledWith('/api/v1/search', { q: '北门', limit: 8 });
    const options = box.el.querySelectorAll('li[role=option]');
    expect(options.length).toBe(2);
    expect(input.getAttribute('aria-expanded')).toBe('true');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));
    expect(options[1].getAttribute('aria-selected')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).toBe(options[1].id);
    box.el.dispatchEvent(new Event('submit', { cancelable: true }));
    await vi.runAllTimersAsync();
    expect(picked).toEqual([outlet]);
    expect(input.getAttribute('aria-expanded')).toBe('false');
    box.el.remove();
  });

  it('says so when nothing is found', async () => {
    vi.useFakeTimers();
    vi.spyOn(api, 'get').mockResolvedValue({ hits: [] });
    const box = new SearchBox(() => {});
    const input = box.el.querySelector('input')!;
    input.value = 'zzz';
    input.dispatchEvent(new Event('input'));
    await vi.runAllTimersAsync();
    expect(box.el.querySelector('.search-note')!.textContent).toBe('没有找到“zzz”');
  });
});

describe('prefetch', () => {
  it('hands a view the answer already under way, once per path and query', async () => {
    const get = vi.spyOn(api, 'get').mockResolvedValue({ ok: 1 });
    prefetched.prefetch('/api/v1/communities');
    prefetched.prefetch('/api/v1/communities');
    expect(await prefetched.get('/api/v1/communities')).toEqual({ ok: 1 });
    expect(get).toHaveBeenCalledTimes(1);
    await prefetched.get('/api/v1/regions', { level: 'county' });
    expect(get).toHaveBeenCalledTimes(2);
  });
});
