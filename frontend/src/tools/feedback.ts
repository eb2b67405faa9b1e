// 评价 / 投诉 Feedback on an outlet: a rating of 1 to 5 or a complaint with
// what is wrong (POST /api/v1/feedback), no login needed.

import { api, ApiError } from '../api';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { serverFieldError, showFieldErrors } from '../forms';
import { t } from '../i18n';

export interface FeedbackBody {
  outlet_id: number;
  rating: number;
  complaint: boolean;
  text: string;
}

/** feedbackBody reads the form's answer, or null when it has neither a rating nor a complaint with a text. */
export function feedbackBody(outletId: number, rating: number, complaint: boolean, text: string): FeedbackBody | null {
  const body = { outlet_id: outletId, rating: rating >= 1 && rating <= 5 ? Math.round(rating) : 0, complaint, text: text.trim() };
  if (complaint ? !body.text : !body.rating) return null;
  return body;
}

/** feedbackForm is the form for one outlet; it thanks the resident once sent. */
export function feedbackForm(outlet: { id: number; name: string }): HTMLElement {
  const root = h('div', { class: 'feedback', 'data-outlet': String(outlet.id) });
  const note = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'form feedback-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const fd = new FormData(form);
        const body = feedbackBody(outlet.id, Number(fd.get('rating') ?? 0), fd.get('complaint') === 'on', String(fd.get('text') ?? ''));
        if (!body) {
          // A complaint without a text lacks the text; anything else lacks a rating.
          showFieldErrors(form, fd.get('complaint') === 'on' ? { text: t('form.required') } : { rating: t('feedback.needRating') });
          fill(note);
          return;
        }
        showFieldErrors(form, {}, false);
        const send = form.querySelector('button[type=submit]') as HTMLButtonElement;
        send.disabled = true;
        try {
          await api.post('/api/v1/feedback', body);
          fill(root, message(t('feedback.thanks')));
        } catch (err) {
          send.disabled = false;
          const field = serverFieldError(err);
          if (field && form.querySelector(`[name="${field.field}"], [data-field="${field.field}"]`)) {
            showFieldErrors(form, { [field.field]: field.message });
            fill(note);
          } else fill(note, message(err instanceof ApiError && err.kind === 'http' ? err.message : describeError(err), 'error'));
        }
      },
    },
    h('h4', {}, t('feedback.title', { name: outlet.name })),
    h(
      'fieldset',
      { class: 'stars', 'data-field': 'rating' },
      h('legend', {}, t('feedback.rating')),
      [1, 2, 3, 4, 5].map((n) =>
        h('label', { class: 'star', title: t('feedback.stars', { n }) }, h('input', { type: 'radio', name: 'rating', value: String(n), 'aria-label': t('feedback.stars', { n }) }), h('span', { 'aria-hidden': 'true' }, '★')),
      ),
    ),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'complaint' }), t('feedback.complaint')),
    h('label', {}, t('feedback.text'), h('textarea', { name: 'text', rows: 3, maxlength: 1000 })),
    h('button', { type: 'submit', class: 'primary' }, t('feedback.send')),
    note,
  );
  root.append(form);
  return root;
}
