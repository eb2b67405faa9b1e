import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { describeError } from './errors';
import { setLang } from './i18n';

describe('describeError', () => {
  it('shows the message the API wrote, in the language it was asked for', () => {
    setLang('zh');
    const e = new ApiError('http', 400, '/api/v1/evaluations', '填报的数值有误', { error: '填报的数值有误', code: 'invalid', field: 'complaints_resolved' });
    expect(describeError(e)).toBe('填报的数值有误');
    const c = new ApiError('conflict', 409, '/x', '不能认定评价 7', { error: '不能认定评价 7', code: 'conflict' });
    expect(describeError(c)).toBe('不能认定评价 7');
  });

  it('falls back to its own sentences when the API sent no JSON error', () => {
    setLang('en');
    expect(describeError(new ApiError('conflict', 409, '/x', 'Conflict'))).toBe('Someone else changed this; reload and try again');
    expect(describeError(new ApiError('http', 502, '/x', 'Bad Gateway'))).toBe('Request failed (502): Bad Gateway');
    expect(describeError(new ApiError('network', 0, '/x', 'refused'))).toBe('Cannot reach the server');
    setLang('zh');
  });
});
