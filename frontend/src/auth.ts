// The logged-in user: login, logout, and restoring the session on load.

import { api, ApiError } from './api';

export interface User {
  id: number;
  username: string;
  role: 'admin' | 'reviewer' | 'district';
  district?: string;
}

interface SessionAnswer {
  token?: string;
  csrf_token?: string;
  user?: User;
}

let current: User | null = null;
const listeners = new Set<(u: User | null) => void>();

export function user(): User | null {
  return current;
}

export function onUserChange(fn: (u: User | null) => void): void {
  listeners.add(fn);
}

function set(u: User | null): void {
  current = u;
  for (const fn of listeners) fn(u);
}

/** adopt reads a login or /me answer, which carries the user either wrapped or bare. */
function adopt(a: SessionAnswer & Partial<User>): User | null {
  if (a.csrf_token) api.csrfToken = a.csrf_token;
  const u = a.user ?? (a.username ? (a as User) : null);
  set(u);
  return u;
}

export async function login(username: string, password: string): Promise<User | null> {
  return adopt(await api.post<SessionAnswer>('/api/v1/auth/login', { username, password }));
}

/** restore asks the server who is logged in; anonymous (401) is not an error. */
export async function restore(): Promise<User | null> {
  try {
    return adopt(await api.get<SessionAnswer & Partial<User>>('/api/v1/me'));
  } catch (e) {
    if (e instanceof ApiError && (e.kind === 'auth' || e.kind === 'unavailable' || e.kind === 'network')) {
      set(null);
      return null;
    }
    throw e;
  }
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/v1/auth/logout');
  } finally {
    api.csrfToken = '';
    set(null);
  }
}

/** canReview reports whether u may approve, return and certify evaluations. */
export function canReview(u: User | null): boolean {
  return u?.role === 'admin' || u?.role === 'reviewer';
}
