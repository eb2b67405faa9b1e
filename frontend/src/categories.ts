// The category taxonomy from /api/v1/categories, fetched once per page.

import { api } from './api';
import { lang, pick } from './i18n';
import { records } from './shapes';

export interface Category {
  code: string;
  name_zh: string;
  name_en: string;
  tier: 'basic' | 'quality' | 'public';
  sort?: number;
}

let loaded: Category[] | null = null;
let pending: Promise<Category[]> | null = null;

/** categories resolves to the taxonomy sorted by its sort order; a failure rejects and the next call retries. */
export function categories(): Promise<Category[]> {
  if (loaded) return Promise.resolve(loaded);
  pending ??= api
    .get<unknown>('/api/v1/categories')
    .then((data) => {
      loaded = (records(data) as unknown as Category[]).slice().sort((a, b) => (a.sort ?? 0) - (b.sort ?? 0));
      return loaded;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

/** categoryName is the name of code in the current language, or the code itself when unknown. */
export function categoryName(code: string, list: Category[] = loaded ?? []): string {
  const c = list.find((x) => x.code === code);
  return c ? pick(c.name_zh, c.name_en, lang()) : code;
}

export const tierColors: Record<string, string> = {
  basic: '#d95f02',
  quality: '#7570b3',
  public: '#1b9e77',
};

/** tierColorExpression colours features by the tier of their "category" property. */
export function tierColorExpression(list: Category[]): unknown {
  if (list.length === 0) return tierColors.basic;
  const expr: unknown[] = ['match', ['get', 'category']];
  for (const c of list) expr.push(c.code, tierColors[c.tier] ?? '#666666');
  expr.push('#666666');
  return expr;
}
