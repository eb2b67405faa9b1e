import { afterEach, describe, expect, it } from 'vitest';
import { dictionaries, enumLabel, lang, onLangChange, pick, restoreLang, setLang, t } from './i18n';

afterEach(() => restoreLang(null));

describe('i18n', () => {
  it('defaults to Chinese', () => {
    expect(restoreLang(null)).toBe('zh');
    expect(restoreLang('fr')).toBe('zh');
    expect(t('nav.resident')).toBe('居民');
  });

  it('restores English when it was chosen', () => {
    expect(restoreLang('en')).toBe('en');
    expect(t('nav.resident')).toBe('Resident');
  });

  it('has every key in both languages, none empty', () => {
    const zh = Object.keys(dictionaries.zh).sort();
    expect(Object.keys(dictionaries.en).sort()).toEqual(zh);
    for (const l of ['zh', 'en'] as const) {
      for (const [k, v] of Object.entries(dictionaries[l])) expect(v, `${l} ${k}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of Object.entries(dictionaries.zh)) {
      expect(names(dictionaries.en[k as keyof typeof dictionaries.en]), k).toEqual(names(v));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('common.minutes', { n: 12 }, 'zh')).toBe('12 分钟');
    expect(t('common.minutes', { n: 12 }, 'en')).toBe('12 min');
    expect(t('common.minutes', {}, 'en')).toBe('{n} min');
  });

  it('switches language and tells listeners once per change', () => {
    const seen: string[] = [];
    const off = onLangChange((l) => seen.push(l));
    setLang('en');
    setLang('en');
    setLang('zh');
    off();
    setLang('en');
    expect(seen).toEqual(['en', 'zh']);
    expect(lang()).toBe('en');
  });

  it('picks the name in the current language with a fallback', () => {
    expect(pick('药店', 'Pharmacy', 'zh')).toBe('药店');
    expect(pick('药店', 'Pharmacy', 'en')).toBe('Pharmacy');
    expect(pick('药店', '', 'en')).toBe('药店');
  });

  it('names coded values and passes unknown codes through', () => {
    expect(enumLabel('circles.status', 'planned', 'zh')).toBe('规划中');
    expect(enumLabel('circles.layout', 'block', 'en')).toBe('Block');
    expect(enumLabel('circles.status', 'demolished', 'zh')).toBe('demolished');
  });
});
