import { describe, expect, it } from 'vitest';
import { ApiError, Client, errorKind, withQuery, type FetchFn } from './api';

interface Call {
  url: string;
  init?: RequestInit;
}

function server(status: number, body: string, type = 'application/json'): { fetch: FetchFn; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push({ url, init });
      return new Response(status === 204 ? null : body, { status, headers: { 'Content-Type': type } });
    },
  };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('withQuery', () => {
  it('drops unset and false values and writes true as 1', () => {
    expect(withQuery('/api/v1/nearby', { lon: 116.5, lat: 35.4, category: '', open_now: true, cash: false, x: undefined })).toBe(
      '/api/v1/nearby?lon=116.5&lat=35.4&open_now=1',
    );
    expect(withQuery('/a?b=1', { c: 2 })).toBe('/a?b=1&c=2');
    expect(withQuery('/a', {})).toBe('/a');
  });
});

describe('Client', () => {
  it('decodes JSON answers', async () => {
    const s = server(200, '{"outlets":[]}');
    expect(await new Client(s.fetch).get('/api/v1/nearby', { lon: 1 })).toEqual({ outlets: [] });
    expect(s.calls[0].url).toBe('/api/v1/nearby?lon=1');
  });

  it('sends the CSRF token on unsafe requests only', async () => {
    const s = server(200, '{}');
    const c = new Client(s.fetch);
    c.csrfToken = 'tok';
    await c.get('/api/v1/me');
    await c.post('/api/v1/evaluations/1/approve', { version: 2, comment: '' });
    const h0 = s.calls[0].init?.headers as Record<string, string>;
    const h1 = s.calls[1].init?.headers as Record<string, string>;
    expect(h0['X-CSRF-Token']).toBeUndefined();
    expect(h1['X-CSRF-Token']).toBe('tok');
    expect(h1['Content-Type']).toBe('application/json');
    expect(s.calls[1].init?.body).toBe('{"version":2,"comment":""}');
  });

  it('uploads a form as multipart, leaving the content type to the browser', async () => {
    const s = server(200, '{"rows_ok":1}');
    const c = new Client(s.fetch);
    c.csrfToken = 'tok';
    const form = new FormData();
    form.append('file', new Blob(['name,lon,lat\n'], { type: 'text/csv' }), 'r.csv');
    expect(await c.upload('/api/v1/imports/outlets?crs=gcj02', form)).toEqual({ rows_ok: 1 });
    const headers = s.calls[0].init?.headers as Record<string, string>;
    expect(headers['Content-Type']).toBeUndefined();
    expect(headers['X-CSRF-Token']).toBe('tok');
    expect(s.calls[0].init?.body).toBe(form);
    expect(s.calls[0].init?.method).toBe('POST');
  });

  it('reports a missing endpoint (plain-text 404) as unavailable', async () => {
    const e = await failure(new Client(server(404, '404 page not found', 'text/plain').fetch).get('/api/v1/access'));
    expect(e.kind).toBe('unavailable');
    expect(e.path).toBe('/api/v1/access');
  });

  it('reports the API router\'s "no such API route" 404 as unavailable', async () => {
    const e = await failure(new Client(server(404, '{"error":"no such API route"}').fetch).get('/api/v1/nearby'));
    expect(e.kind).toBe('unavailable');
  });

  it('reports a Chinese "no such API route" 404, which keeps the English as detail, as unavailable', async () => {
    const e = await failure(new Client(server(404, '{"error":"未找到请求的内容","code":"not_found","detail":"no such API route"}').fetch).get('/api/v1/evaluations/3/changes'));
    expect(e.kind).toBe('unavailable');
  });

  it('shows a message the API could not translate together with its original wording', async () => {
    const e = await failure(new Client(server(409, '{"error":"操作冲突","code":"conflict","field":"status","detail":"a new rule"}').fetch).post('/x', {}));
    expect(e.message).toBe('操作冲突（a new rule）');
    expect(e.detail).toBe('a new rule');
  });

  it('sends the UI language as Accept-Language and reads the error code, field and detail', async () => {
    const s = server(400, '{"error":"填报的数值有误","field":"complaints_resolved","code":"invalid"}');
    let ui: 'zh' | 'en' = 'zh';
    const c = new Client(s.fetch, '', () => ui);
    const e = await failure(c.post('/api/v1/evaluations', {}));
    expect((s.calls[0].init?.headers as Record<string, string>)['Accept-Language']).toMatch(/^zh-CN/);
    expect([e.code, e.field, e.detail, e.message]).toEqual(['invalid', 'complaints_resolved', '', '填报的数值有误']);
    ui = 'en';
    await failure(c.post('/api/v1/evaluations', {}));
    expect((s.calls[1].init?.headers as Record<string, string>)['Accept-Language']).toMatch(/^en/);
  });

  it('reports a JSON 404 as an ordinary error with its message', async () => {
    const e = await failure(new Client(server(404, '{"error":"circle 9 not found"}').fetch).get('/api/v1/circles/9'));
    expect(e.kind).toBe('http');
    expect(e.message).toBe('circle 9 not found');
  });

  it('keeps the body of a 422 so the view can read distance_m', async () => {
    const e = await failure(new Client(server(422, '{"error":"off network","distance_m":512.5}').fetch).get('/api/v1/isochrone'));
    expect(e.status).toBe(422);
    expect(e.body?.distance_m).toBe(512.5);
  });

  it('sorts auth, permission and version errors', async () => {
    expect((await failure(new Client(server(401, '{"error":"login"}').fetch).get('/x'))).kind).toBe('auth');
    expect((await failure(new Client(server(403, '{"error":"no"}').fetch).get('/x'))).kind).toBe('forbidden');
    expect((await failure(new Client(server(409, '{"error":"stale"}').fetch).post('/x', {}))).kind).toBe('conflict');
  });

  it('reports a refused connection as a network error', async () => {
    const c = new Client(async () => {
      throw new TypeError('Failed to fetch');
    });
    const e = await failure(c.get('/api/v1/regions'));
    expect(e.kind).toBe('network');
    expect(e.status).toBe(0);
  });

  it('rejects a success answer that is not JSON (an HTML page)', async () => {
    const e = await failure(new Client(server(200, '<!doctype html>', 'text/html').fetch).get('/api/v1/regions'));
    expect(e.kind).toBe('badResponse');
  });

  it('rejects broken JSON', async () => {
    expect((await failure(new Client(server(200, '{"a":').fetch).get('/x'))).kind).toBe('badResponse');
  });

  it('accepts 204 No Content', async () => {
    expect(await new Client(server(204, '').fetch).post('/api/v1/auth/logout')).toBeNull();
  });
});

describe('errorKind', () => {
  it('treats 501 and 405 as unavailable', () => {
    expect(errorKind(501, true)).toBe('unavailable');
    expect(errorKind(405, true)).toBe('unavailable');
    expect(errorKind(404, true, 'not found')).toBe('http');
    expect(errorKind(500, false)).toBe('http');
  });
});
