// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { fill, h, message, restoreForms, saveForms } from './dom';

describe('h', () => {
  it('sets classes, attributes, properties, handlers and children', () => {
    let clicked = 0;
    const el = h('button', { class: 'chip', type: 'button', 'aria-pressed': 'true', disabled: false, onclick: () => clicked++ }, 'a', null, 2, [h('i', {}, 'x')]);
    expect(el.className).toBe('chip');
    expect(el.getAttribute('aria-pressed')).toBe('true');
    expect(el.hasAttribute('disabled')).toBe(false);
    expect(el.textContent).toBe('a2x');
    el.click();
    expect(clicked).toBe(1);
    const box = h('input', { type: 'checkbox', checked: true });
    expect(box.checked).toBe(true);
  });

  it('marks errors as alerts', () => {
    expect(message('bad', 'error').getAttribute('role')).toBe('alert');
    expect(message('ok').getAttribute('role')).toBe('status');
  });
});

describe('saveForms / restoreForms', () => {
  const form = () =>
    h(
      'details',
      {},
      h('summary', {}, 'register'),
      h(
        'form',
        { 'data-keep': 'register' },
        h('input', { name: 'name' }),
        h('select', { name: 'layout' }, h('option', { value: 'cluster' }, 'c'), h('option', { value: 'block' }, 'b')),
        h('input', { type: 'checkbox', name: 'ids', value: '1' }),
        h('input', { type: 'checkbox', name: 'ids', value: '2' }),
      ),
    );

  it('puts typed input back after the panel is rebuilt', () => {
    const panel = h('section', {});
    fill(panel, form());
    (panel.querySelector('input[name=name]') as HTMLInputElement).value = '北门';
    (panel.querySelector('select') as HTMLSelectElement).value = 'block';
    (panel.querySelector('input[value="2"]') as HTMLInputElement).checked = true;
    (panel.querySelector('details') as HTMLDetailsElement).open = true;

    const typed = saveForms(panel);
    fill(panel, form(), null);
    expect((panel.querySelector('input[name=name]') as HTMLInputElement).value).toBe('');
    restoreForms(panel, typed);

    expect((panel.querySelector('input[name=name]') as HTMLInputElement).value).toBe('北门');
    expect((panel.querySelector('select') as HTMLSelectElement).value).toBe('block');
    expect((panel.querySelector('input[value="1"]') as HTMLInputElement).checked).toBe(false);
    expect((panel.querySelector('input[value="2"]') as HTMLInputElement).checked).toBe(true);
    expect((panel.querySelector('details') as HTMLDetailsElement).open).toBe(true);
  });

  it('leaves forms with another key alone', () => {
    const panel = h('section', {});
    fill(panel, form());
    (panel.querySelector('input[name=name]') as HTMLInputElement).value = 'x';
    const typed = saveForms(panel);
    const other = form();
    other.querySelector('form')!.dataset.keep = 'evaluation-1';
    fill(panel, other);
    restoreForms(panel, typed);
    expect((panel.querySelector('input[name=name]') as HTMLInputElement).value).toBe('');
  });
});
