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
    const inYear = { ...rule, must_be_certified_in_year: true };
    expect(awardFor(ev(1, 'approved', '370811', ''), inYear, new Date('2023-11-30T12:00:00+08:00'))).toBe(300000);
    expect(awardFor(ev(1, 'approved', '370811', ''), inYear, new Date('2026-01-05T12:00:00+08:00'))).toBe(0);
    const awarded = ev(1, 'approved', '370811', '', { result: { scheme: 'x', year: 2023, total: 90, tier: 'high_quality', indicators: [], award: { eligible: false, cap_yuan: 0 } } });
    expect(awardFor(awarded, rule)).toBe(0);
  });

  it('reads the award from a scheme as the API returns it', () => {
    expect(awardRule({ code: 'jining-2023', document: { award: { tier: 'high_quality', years: [2023], cap_yuan: 300000, once_per_circle: true } } })).toEqual({ ...rule, once_per_circle: true, must_be_certified_in_year: false });
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

  it('reads the changes since submission: changed or doubtful communities and outlets written since', () => {
    setLang('zh');
    const answer = {
      evaluation_id: 7,
      submitted_at: '2024-03-01T10:00:00Z',
      communities: [
        { id: 1, name: '东门社区', updated_at: '2024-03-05T10:00:00Z', changed: true, implausible: ['12.5 residents per household is more than plausible'] },
        { id: 2, name: '西门社区', updated_at: '2023-01-05T10:00:00Z', changed: false },
      ],
      outlets: [
        { id: 9, name: '新开便利店', category: 'convenience_store', status: 'open', updated_at: '2024-03-06T10:00:00Z', walk_m: 420 },
        { id: 10, name: '老药店', category: 'pharmacy', status: 'closed', updated_at: '2024-03-07T10:00:00Z', walk_m: null },
      ],
    };
    const got = changesOf(answer, (c) => (c === 'pharmacy' ? '药店' : '便利店'), (m) => `${m} 米`).map((c) => `${c.kind}: ${c.text}`);
    expect(got).toHaveLength(4);
    expect(got[0]).toMatch(/^community: 服务社区“东门社区”在提交后修改过/);
    expect(got[1]).toBe('check: 服务社区“东门社区”的数据需核实：户均 12.5 人，超出合理范围');
    expect(got[2]).toMatch(/^outlet: 网点“新开便利店”（便利店）在提交后新增或修改.*距中心步行 420 米$/);
    expect(got[3]).toMatch(/^outlet: 网点“老药店”（药店）在提交后关闭/);
    expect(changesOf({ submitted_at: '2024-03-01T10:00:00Z', communities: [], outlets: [] })).toEqual([]);
    expect(changesOf({ submitted_at: null, communities: [], outlets: [] })[0].kind).toBe('note');
  });

  it('reads changes since submission in other shapes entry by entry', () => {
    expect(changesOf([{ message: '新增网点 3 个' }, '社区人口变化'])).toEqual([{ text: '新增网点 3 个' }, { text: '社区人口变化' }]);
    expect(changesOf({ changes: [{ kind: 'outlet', id: 7 }] })).toEqual([{ text: 'kind: outlet · id: 7' }]);
    expect(changesOf({ nothing: true })).toEqual([]);
  });
});
