// Form checks before sending, and the server's word on a field shown next to
// that field. The API answers bad input with {"error": "...", "field": "..."}.

import { ApiError } from './api';
import { h } from './dom';
import { t } from './i18n';

export interface FieldRule {
  required?: boolean;
  min?: number;
  max?: number;
  integer?: boolean;
}

export type FieldErrors = Record<string, string>;

/** checkFields checks each named value against its rule and says what is wrong, field by field, in the current language. */
export function checkFields(values: Record<string, string | undefined>, rules: Record<string, FieldRule>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, rule] of Object.entries(rules)) {
    const v = (values[name] ?? '').trim();
    if (v === '') {
      if (rule.required) errors[name] = t('form.required');
      continue;
    }
    if (rule.min === undefined && rule.max === undefined && !rule.integer) continue;
    const n = Number(v);
    if (!Number.isFinite(n)) errors[name] = rule.min !== undefined && rule.max !== undefined ? t('form.range', { min: rule.min, max: rule.max }) : t('form.integer');
    else if (rule.integer && !Number.isInteger(n)) errors[name] = t('form.integer');
    else if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max))
      errors[name] = rule.max !== undefined && rule.min !== undefined ? t('form.range', { min: rule.min, max: rule.max }) : rule.min !== undefined ? t('form.atLeast', { min: rule.min }) : t('form.range', { min: '−∞', max: rule.max! });
  }
  return errors;
}

/** formValues reads a form's named fields as text (the first value of each name). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form)) if (!(k in out)) out[k] = String(v);
  return out;
}

/**
 * serverFieldError reads the field an API error names, mapped to the form's
 * own field name (fieldMap: API field → form field; "geometry.coordinates[0]"
 * counts as "geometry"). It is null when the error names no field the form has.
 */
export function serverFieldError(err: unknown, fieldMap: Record<string, string> = {}): { field: string; message: string } | null {
  if (!(err instanceof ApiError) || !err.body) return null;
  const raw = typeof err.body.field === 'string' ? err.body.field : '';
  if (!raw) return null;
  const base = raw.replace(/[.[].*$/, '');
  const field = fieldMap[raw] ?? fieldMap[base] ?? base;
  return { field, message: err.message };
}

/** fieldTarget finds the element that stands for a field: an input, select or textarea by name, or an element marked data-field. */
function fieldTarget(form: HTMLElement, field: string): HTMLElement | null {
  return form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`) ?? form.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`);
}

/**
 * showFieldErrors marks each field with its message (aria-invalid, the text
 * linked by aria-describedby) and clears earlier marks. It returns the fields
 * it could not place, and focuses the first it could.
 */
export function showFieldErrors(form: HTMLElement, errors: FieldErrors, focus = true): string[] {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.startsWith('err-'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  const unplaced: string[] = [];
  let first: HTMLElement | null = null;
  for (const [field, text] of Object.entries(errors)) {
    const target = fieldTarget(form, field);
    if (!target) {
      unplaced.push(field);
      continue;
    }
    const id = `err-${form.dataset.keep ?? 'form'}-${field}`.replace(/[^\w-]/g, '_');
    const note = h('span', { class: 'field-error', id }, text);
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-describedby', [target.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    // After the control, inside its label when it has one, so the message sits beside the field.
    const holder = target.closest('label') ?? target;
    if (holder === target && target.tagName === 'FIELDSET') target.append(note);
    else holder.after(note);
    first ??= target;
  }
  if (focus && first && typeof first.focus === 'function') {
    if (first.tagName === 'FIELDSET' || first.tagName === 'P') first.querySelector<HTMLElement>('input, button')?.focus();
    else first.focus();
  }
  return unplaced;
}
