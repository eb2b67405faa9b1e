// Requests started before a view asks for them: the shell starts the first
// view's data while the map is still loading, and the view picks up the
// answers already under way.

import { api, withQuery, type Query } from './api';

/** An answer started this long ago is still taken. */
const freshMs = 5000;

const started = new Map<string, { at: number; answer: Promise<unknown> }>();

/** prefetch starts GET path?q unless it is already under way. */
export function prefetch(path: string, q?: Query): void {
  const key = withQuery(path, q);
  const s = started.get(key);
  if (s && Date.now() - s.at < freshMs) return;
  const answer = api.get<unknown>(path, q);
  answer.catch(() => {});
  started.set(key, { at: Date.now(), answer });
}

/** get answers GET path?q from a prefetch still fresh, or asks anew. */
export function get<T>(path: string, q?: Query): Promise<T> {
  const key = withQuery(path, q);
  const s = started.get(key);
  if (s && Date.now() - s.at < freshMs) return s.answer as Promise<T>;
  started.delete(key);
  return api.get<T>(path, q);
}

/** forget drops every prefetched answer (tests). */
export function forget(): void {
  started.clear();
}
