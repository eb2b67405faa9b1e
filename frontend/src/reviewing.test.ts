import { describe, expect, it } from 'vitest';
import { setLang } from './i18n';
import { awardFor, awardRule, changesOf, countsByDistrict, eventComment, previewKind, queue, waitingDays, type Evaluation } from './reviewing';

const ev = (id: number, status: string, district: string, updated: string, extra: Partial<Evaluation> = {}): Evaluation => ({
  id,
  circle_id: id * 10,
  district,
  scheme: 'jining-2023',
  year: 2023,
  status,
  version: 3,
  total: 90,
  tier: 'high_quality',
  updated_at: updated,
  ...extra,
});

const rule = { tier: 'high_quality', years: [2023], cap_yuan: 300000 };

describe('queue', () => {
  it('lists one status, the longest waiting first, ties by id', () => {
    const all = [
      ev(3, 'submitted', '370812', '2024-03-02T10:00:00Z'),
      ev(1, 'approved', '370811', '2024-01-01T10:00:00Z'),
      ev(2, 'submitted', '370811', '2024-03-01T10:00:00Z'),
      ev(4, 'submitted', '370811', '2024-03-02T10:00:00Z'),
    ];
    expect(queue(all, 'submitted').map((e) => e.id)).toEqual([2, 3, 4]);
    expect(countsByDistrict(queue(all, 'submitted'))).toEqual([
      { district: '370811', count: 2 },
      { district: '370812', count: 1 },
    ]);
  });

  it('counts whole days of waiting', () => {
    const e = ev(1, 'submitted', '370811', '2024-03-01T10:00:00Z');
    expect(waitingDays(e, Date.parse('2024-03-01T20:00:00Z'))).toBe(0);
    expect(waitingDays(e, Date.parse('2024-03-04T11:00:00Z'))).toBe(3);
  });
});

describe('awardFor', () => {
  it('fills in the cap for a high-quality circle in an award year, 0 otherwise', () => {
    expect(awardFor(ev(1, 'approved', '370811', ''), rule)).toBe(300000);
    expect(awardFor(ev(1, 'approved', '370811', '', { tier: 'basic' }), rule)).toBe(0);
    expect(awardFor(ev(1, 'approved', '370811', '', { year: 2024 }), rule)).toBe(0);
    expect(awardFor(ev(1, 'approved', '370811', ''), null)).toBe(0);
    const awarded = ev(1, 'approved', '370811', '', { result: { scheme: 'x', year: 2023, total: 90, tier: 'high_quality', indicators: [], award: { eligible: false, cap_yuan: 0 } } });
    expect(awardFor(awarded, rule)).toBe(0);
  });

  it('reads the award from a scheme as the API returns it', () => {
    expect(awardRule({ code: 'jining-2023', document: { award: { tier: 'high_quality', years: [2023], cap_yuan: 300000, once_per_circle: true } } })).toEqual({ ...rule, once_per_circle: true });
    expect(awardRule({ code: 'mofcom-2023', document: {} })).toBeNull();
    expect(awardRule(null)).toBeNull();
  });
});

describe('the rest', () => {
  it('words the comments the server writes itself', () => {
    setLang('zh');
    expect(eventComment('created')).toBe('建立评价草稿');
    expect(eventComment('evidence attached: 调查.pdf (/api/v1/evidence/12)')).toBe('上传佐证材料：调查.pdf');
    expect(eventComment('演示数据 demo：同意')).toBe('演示数据 demo：同意');
  });

  it('previews images and PDFs only', () => {
    expect(previewKind('image/png')).toBe('image');
    expect(previewKind('application/pdf')).toBe('pdf');
    expect(previewKind('', 'a.JPG')).toBe('image');
    expect(previewKind('text/plain', 'a.txt')).toBeNull();
  });

  it('reads changes since submission in any of the likely shapes', () => {
    expect(changesOf([{ message: '新增网点 3 个' }, '社区人口变化'])).toEqual([{ text: '新增网点 3 个' }, { text: '社区人口变化' }]);
    expect(changesOf({ changes: [{ kind: 'outlet', id: 7 }] })).toEqual([{ text: 'kind: outlet · id: 7' }]);
    expect(changesOf({ nothing: true })).toEqual([]);
  });
});
