import { describe, expect, it } from 'vitest';
import { gaps, type CommunityCoverage } from './coverage';
import { editable } from './evaluation-files';
import { feedbackBody } from './feedback';
import { changedRows } from './scenario';
import { suggestionCells } from './suggest';

describe('community coverage', () => {
  it('lists the basic categories not everyone reaches, worst first', () => {
    const c: CommunityCoverage = {
      community: { id: 1, name: '北门社区', population: 100, covered: 30, uncovered: 70, share: 0.3 },
      budget_m: 1000,
      categories: [
        { category: 'convenience_store', tier: 'basic', covered: 100, uncovered: 0, share: 1, nearest_walk_m: 25 },
        { category: 'laundry', tier: 'basic', covered: 60, uncovered: 40, share: 0.6, nearest_walk_m: 900 },
        { category: 'housekeeping', tier: 'basic', covered: 30, uncovered: 70, share: 0.3, nearest_walk_m: 1200 },
        { category: 'fitness', tier: 'quality', covered: 10, uncovered: 90, share: 0.1, nearest_walk_m: null },
      ],
    };
    expect(gaps(c).map((x) => x.category)).toEqual(['housekeeping', 'laundry']);
  });
});

describe('what-if result', () => {
  it('keeps the changed pairs, largest change first, losses too', () => {
    const cover = (share: number) => ({ covered: share * 100, uncovered: 100 - share * 100, share });
    const rows = changedRows({
      categories: ['housekeeping'],
      communities: [
        { id: 1, name: '甲', population: 100, coverage: { housekeeping: { before: cover(0.5), after: cover(0.6), change: 10 } } },
        { id: 2, name: '乙', population: 100, coverage: { housekeeping: { before: cover(1), after: cover(1), change: 0 } } },
        { id: 3, name: '丙', population: 100, coverage: { housekeeping: { before: cover(0.9), after: cover(0.4), change: -50 } } },
      ],
    });
    expect(rows.map((r) => [r.community, r.change])).toEqual([
      ['丙', -50],
      ['甲', 10],
    ]);
  });
});

describe('suggested sites', () => {
  it('draws the cells each site adds, tagged with its rank', () => {
    const fc = suggestionCells([
      { rank: 1, cell: '8a30b5ca6957fff', lon: 116.58, lat: 35.35, added_population: 400, covers: ['8a30b5ca6957fff', '8a30b5ca6947fff'] },
      { rank: 2, cell: '8a30b5ca4407fff', lon: 116.59, lat: 35.36, added_population: 100 },
    ]);
    expect(fc.features).toHaveLength(2);
    expect(fc.features.every((f) => f.properties.rank === 1 && f.geometry.type === 'Polygon')).toBe(true);
  });
});

describe('feedback', () => {
  it('needs a rating, or a complaint that says what is wrong', () => {
    expect(feedbackBody(5, 4, false, '  ')).toEqual({ outlet_id: 5, rating: 4, complaint: false, text: '' });
    expect(feedbackBody(5, 0, false, 'nice')).toBeNull();
    expect(feedbackBody(5, 0, true, '  ')).toBeNull();
    expect(feedbackBody(5, 0, true, '不收现金')).toEqual({ outlet_id: 5, rating: 0, complaint: true, text: '不收现金' });
    expect(feedbackBody(5, 9, false, '')).toBeNull();
  });
});

describe('evidence', () => {
  it('can be attached to draft and returned evaluations only', () => {
    expect(['draft', 'returned', 'submitted', 'approved', 'certified'].filter(editable)).toEqual(['draft', 'returned']);
  });
});
