// Number formatting for the UI in either language.

import { t, type Lang } from './i18n';

/** formatMinutes shows a walking time, whole minutes, at least 1 for any positive time. */
export function formatMinutes(minutes: number, l?: Lang): string {
  const n = minutes > 0 ? Math.max(1, Math.round(minutes)) : 0;
  return t('common.minutes', { n }, l);
}

/** formatDistance shows metres below 1 km and kilometres with one decimal above. */
export function formatDistance(metres: number, l?: Lang): string {
  if (metres < 1000) return t('common.metres', { n: Math.round(metres) }, l);
  return t('common.kilometres', { n: (metres / 1000).toFixed(1) }, l);
}

/** formatArea shows square metres as square kilometres with two decimals. */
export function formatArea(m2: number, l?: Lang): string {
  return t('common.sqkm', { n: (m2 / 1e6).toFixed(2) }, l);
}

/** formatYuan shows an amount of renminbi with thousands separators. */
export function formatYuan(yuan: number): string {
  return '¥' + Math.round(yuan).toLocaleString('en-US');
}

/** formatNumber shows a count or measure with thousands separators and at most two decimals. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** bboxParam writes a west,south,east,north box as the API's bbox query value. */
export function bboxParam(b: [number, number, number, number]): string {
  return b.map((v) => v.toFixed(5)).join(',');
}
