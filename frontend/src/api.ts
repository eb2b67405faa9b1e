// HTTP client for /api/v1: JSON in and out, the CSRF header on unsafe
// requests, the UI's language as Accept-Language (the API words its errors
// in it), and errors sorted into kinds the UI can explain.

import { lang } from './i18n';

export type ErrorKind =
  | 'network' // no answer at all
  | 'unavailable' // the server has no such endpoint (yet)
  | 'auth' // 401
  | 'forbidden' // 403
  | 'conflict' // 409: stale version
  | 'http' // any other error status
  | 'badResponse'; // success status but not the JSON we asked for

/** ApiError is a failed API call with what the UI needs to explain it. */
export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly status: number,
    readonly path: string,
    message: string,
    /** the decoded JSON error body, when there was one */
    readonly body: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** code is the API's stable error code ("invalid", "conflict", …), empty when the answer had none. */
  get code(): string {
    return typeof this.body?.code === 'string' ? this.body.code : '';
  }

  /** field is the request field the API blames, empty when none. */
  get field(): string {
    return typeof this.body?.field === 'string' ? this.body.field : '';
  }

  /** detail is the API's original wording of a message it could not translate, empty otherwise. */
  get detail(): string {
    return typeof this.body?.detail === 'string' ? this.body.detail : '';
  }
}

/** acceptLanguage is the Accept-Language header for a UI language: Chinese is the API's default, English asked for first. */
export function acceptLanguage(l: 'zh' | 'en'): string {
  return l === 'en' ? 'en, zh-CN;q=0.5' : 'zh-CN, zh;q=0.9';
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export type Query = Record<string, string | number | boolean | undefined | null>;

/** withQuery appends the set, non-false values of q to path. */
export function withQuery(path: string, q: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === false || v === '') continue;
    p.set(k, v === true ? '1' : String(v));
  }
  const s = p.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Client talks to one QuarterHour server. */
export class Client {
  /** csrfToken is sent as X-CSRF-Token on unsafe requests once known. */
  csrfToken = '';

  constructor(
    private readonly fetchFn: FetchFn = (input, init) => fetch(input, init),
    private readonly base = '',
    /** language is the UI language the API should answer in */
    private readonly language: () => 'zh' | 'en' = lang,
  ) {}

  get<T>(path: string, q?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, q));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** upload posts form as multipart/form-data (the browser sets the boundary). */
  upload<T>(path: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, form);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': acceptLanguage(this.language()) };
    const multipart = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !multipart) headers['Content-Type'] = 'application/json';
    if (unsafe.has(method) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : multipart ? (body as FormData) : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new ApiError('network', 0, path, e instanceof Error ? e.message : String(e));
    }
    if (res.status === 204) return null as T;
    const isJSON = (res.headers.get('Content-Type') ?? '').includes('json');
    let data: unknown = null;
    let text = '';
    if (isJSON) {
      try {
        data = await res.json();
      } catch {
        throw new ApiError('badResponse', res.status, path, 'invalid JSON');
      }
    } else {
      text = await res.text().catch(() => '');
    }
    if (!res.ok) {
      const obj = data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
      const said = (typeof obj?.error === 'string' && obj.error) || text.trim().slice(0, 200) || res.statusText;
      // A message the API could not translate comes as a general sentence with the original as detail: show both.
      const detail = typeof obj?.detail === 'string' ? obj.detail : '';
      const message = detail && detail !== said ? `${said}（${detail}）` : said;
      throw new ApiError(errorKind(res.status, isJSON, detail || said), res.status, path, message, obj);
    }
    if (!isJSON) throw new ApiError('badResponse', res.status, path, 'not JSON');
    return data as T;
  }
}

/** The API's answer for a route it does not have (api/server.go); in Chinese answers it is the detail. */
export const noSuchRoute = 'no such API route';

/**
 * errorKind sorts an error status. A 405, or a 404 that is not JSON or says
 * (in its message or its detail) "no such API route", means the endpoint
 * itself is missing, not a record.
 */
export function errorKind(status: number, isJSON: boolean, message = ''): ErrorKind {
  switch (status) {
    case 401:
      return 'auth';
    case 403:
      return 'forbidden';
    case 409:
      return 'conflict';
    case 405:
    case 501:
      return 'unavailable';
    case 404:
      return isJSON && message !== noSuchRoute ? 'http' : 'unavailable';
    default:
      return 'http';
  }
}

export const api = new Client();
