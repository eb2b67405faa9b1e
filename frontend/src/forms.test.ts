// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { h } from './dom';
import { checkFields, formValues, serverFieldError, showFieldErrors } from './forms';

describe('checkFields', () => {
  const rules = {
    name: { required: true },
    pct: { required: true, min: 0, max: 100 },
    n: { min: 0, integer: true },
    year: { min: 2000, max: 2100, integer: true },
  };

  it('passes good values', () => {
    expect(checkFields({ name: '任城', pct: '92.5', n: '150', year: '2024' }, rules)).toEqual({});
    expect(checkFields({ name: 'x', pct: '0' }, rules)).toEqual({});
  });

  it('names missing required fields, blank text counting as missing', () => {
    expect(checkFields({ name: '  ', pct: '' }, rules)).toEqual({ name: '请填写此项', pct: '请填写此项' });
  });

  it('checks ranges and whole numbers', () => {
    expect(checkFields({ name: 'a', pct: '120', n: '-1', year: '1999' }, rules)).toEqual({
      pct: '应在 0 到 100 之间',
      n: '不能小于 0',
      year: '应在 2000 到 2100 之间',
    });
    expect(checkFields({ name: 'a', pct: '50', n: '1.5', year: 'abc' }, rules)).toEqual({ n: '应为整数', year: '应在 2000 到 2100 之间' });
  });
});

describe('serverFieldError', () => {
  const err = (field?: string) => new ApiError('http', 400, '/api/v1/circles', 'bad', field === undefined ? { error: 'bad' } : { error: 'bad', field });

  it('maps the API field to the form field', () => {
    expect(serverFieldError(err('satisfaction_rate'), { satisfaction_rate: 'satisfaction_pct' })).toEqual({ field: 'satisfaction_pct', message: 'bad' });
    expect(serverFieldError(err('name'))).toEqual({ field: 'name', message: 'bad' });
    expect(serverFieldError(err('geometry.coordinates[1]'), { geometry: 'center' })).toEqual({ field: 'center', message: 'bad' });
  });

  it('is null without a field or for other errors', () => {
    expect(serverFieldError(err())).toBeNull();
    expect(serverFieldError(new Error('x'))).toBeNull();
    expect(serverFieldError(new ApiError('network', 0, '/x', 'down'))).toBeNull();
  });
});

describe('showFieldErrors', () => {
  const form = () =>
    h(
      'form',
      { 'data-keep': 'reg' },
      h('label', {}, '名称', h('input', { name: 'name' })),
      h('label', {}, '年份', h('input', { name: 'year', 'aria-describedby': 'hint' })),
      h('fieldset', { 'data-field': 'community_ids' }, h('legend', {}, '社区'), h('input', { type: 'checkbox', name: 'community_ids' })),
    );

  it('puts each message beside its field and links it', () => {
    const f = form();
    document.body.append(f);
    const left = showFieldErrors(f, { name: '请填写此项', community_ids: '请至少选择一个服务社区', nowhere: 'x' });
    expect(left).toEqual(['nowhere']);
    const name = f.querySelector('input[name=name]')!;
    expect(name.getAttribute('aria-invalid')).toBe('true');
    const id = name.getAttribute('aria-describedby')!;
    expect(f.querySelector(`#${id}`)!.textContent).toBe('请填写此项');
    expect(name.closest('label')!.nextElementSibling!.id).toBe(id);
    expect(f.querySelector('fieldset .field-error')!.textContent).toBe('请至少选择一个服务社区');
    expect(document.activeElement).toBe(name);
  });

  it('clears earlier marks and keeps other descriptions', () => {
    const f = form();
    showFieldErrors(f, { year: '应在 2000 到 2100 之间' }, false);
    const year = f.querySelector('input[name=year]')!;
    expect(year.getAttribute('aria-describedby')).toMatch(/^hint err-/);
    showFieldErrors(f, {}, false);
    expect(f.querySelectorAll('.field-error').length).toBe(0);
    expect(year.hasAttribute('aria-invalid')).toBe(false);
    expect(year.getAttribute('aria-describedby')).toBe('hint');
  });

  it('reads form values', () => {
    const f = form();
    (f.querySelector('input[name=name]') as HTMLInputElement).value = '甲';
    expect(formValues(f as HTMLFormElement)).toMatchObject({ name: '甲', year: '' });
  });
});
