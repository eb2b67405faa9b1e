// The stored evaluation of a circle for a year: its status, the Excel report
// (GET /api/v1/evaluations/{id}/report.xlsx), and its evidence files, with an
// upload on draft and returned evaluations (POST .../evidence, multipart
// "file", "indicator", "note"). Without an evaluation yet, a draft can be
// started so evidence can be attached before submitting.

import { api } from '../api';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { serverFieldError, showFieldErrors, type FieldErrors } from '../forms';
import { enumLabel, lang, pick, t } from '../i18n';
import { records } from '../shapes';

interface StoredEvaluation {
  id: number;
  circle_id: number;
  status: string;
  version: number;
  year: number;
}

export interface EvidenceFile {
  id: number;
  name: string;
  indicator?: string;
  note?: string;
  size: number;
  url: string;
  uploaded_by?: string;
}

export interface IndicatorName {
  id: string;
  name: string;
  name_en?: string;
}

/** editable reports whether evidence can still be attached to an evaluation in status. */
export function editable(status: string): boolean {
  return status === 'draft' || status === 'returned';
}

export class EvaluationFiles {
  readonly el = h('div', { class: 'evaluation-files' });
  private ev: StoredEvaluation | null = null;
  private files: EvidenceFile[] = [];
  private loaded = false;
  private error = '';
  private note: HTMLElement | null = null;
  private circleId = 0;
  private indicators: IndicatorName[] = [];
  private readonly form: HTMLFormElement;
  private renderedLang = '';
  private fieldErrors: FieldErrors = {};

  constructor(
    private readonly scheme: string,
    private readonly year: number,
    /** canWrite reports whether the user may start drafts and upload */
    private readonly canWrite: () => boolean,
  ) {
    this.form = h('form', {
      class: 'form evidence-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        this.upload();
      },
    });
  }

  async show(circleId: number, indicators: IndicatorName[]): Promise<void> {
    this.circleId = circleId;
    this.indicators = indicators;
    this.note = null;
    this.fieldErrors = {};
    this.form.reset();
    await this.load();
  }

  /** relabel redraws after a language switch; otherwise the form keeps the chosen file. */
  relabel(): void {
    if (this.renderedLang && this.renderedLang !== lang()) this.render();
  }

  /** load reads the evaluation and its evidence again, e.g. after it was submitted. */
  async load(): Promise<void> {
    this.loaded = false;
    this.error = '';
    this.render();
    try {
      this.ev = (records(await api.get('/api/v1/evaluations', { circle_id: this.circleId, scheme: this.scheme, year: this.year }))[0] as unknown as StoredEvaluation) ?? null;
      this.files = this.ev ? (await api.get<{ evidence: EvidenceFile[] }>(`/api/v1/evaluations/${this.ev.id}/evidence`)).evidence ?? [] : [];
    } catch (e) {
      this.error = describeError(e);
    }
    this.loaded = true;
    this.render();
  }

  private async startDraft(): Promise<void> {
    try {
      await api.post('/api/v1/evaluations', { circle_id: this.circleId, scheme: this.scheme, year: this.year, submitted: {} });
    } catch (e) {
      this.note = message(describeError(e), 'error');
    }
    await this.load();
  }

  private async upload(): Promise<void> {
    if (!this.ev) return;
    const fd = new FormData(this.form);
    const file = fd.get('file');
    if (!(file instanceof File) || !file.name) {
      this.fieldErrors = { file: t('form.required') };
      showFieldErrors(this.form, this.fieldErrors);
      return;
    }
    this.fieldErrors = {};
    const body = new FormData();
    body.append('file', file, file.name);
    if (fd.get('indicator')) body.append('indicator', String(fd.get('indicator')));
    if (fd.get('note')) body.append('note', String(fd.get('note')));
    try {
      const r = await api.upload<{ evidence: EvidenceFile }>(`/api/v1/evaluations/${this.ev.id}/evidence`, body);
      this.note = message(t('evidence.uploaded', { name: r.evidence.name }));
      this.form.reset();
    } catch (e) {
      const field = serverFieldError(e);
      if (field && this.form.querySelector(`[name="${field.field}"]`)) this.fieldErrors = { [field.field]: field.message };
      else this.note = message(describeError(e), 'error');
    }
    await this.load();
  }

  render(): void {
    const ev = this.ev;
    const l = (this.renderedLang = lang());
    fill(
      this.form,
      h('label', {}, t('evidence.file'), h('input', { type: 'file', name: 'file', accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png', required: true })),
      h(
        'label',
        {},
        t('evidence.indicator'),
        h('select', { name: 'indicator' }, h('option', { value: '' }, '—'), this.indicators.map((i) => h('option', { value: i.id }, `${i.id} ${pick(i.name, i.name_en, l)}`))),
      ),
      h('label', {}, t('evidence.note'), h('input', { name: 'note', maxlength: '1000' })),
      h('button', { type: 'submit', class: 'small' }, t('evidence.upload')),
    );
    fill(
      this.el,
      h('h4', {}, t('eval.stored', { year: this.year })),
      this.error ? message(this.error, 'error') : null,
      !this.loaded ? message(t('common.loading')) : null,
      this.loaded && !ev && !this.error
        ? h(
            'p',
            {},
            t('eval.none', { year: this.year }),
            ' ',
            this.canWrite() ? h('button', { type: 'button', class: 'small start-draft', onclick: () => this.startDraft() }, t('evidence.startDraft')) : null,
          )
        : null,
      ev
        ? h(
            'p',
            { class: 'stored', 'data-evaluation': String(ev.id) },
            h('span', { class: `status status-${ev.status}` }, enumLabel('review.status', ev.status)),
            ' ',
            h('a', { class: 'download', href: `/api/v1/evaluations/${ev.id}/report.xlsx`, download: '' }, t('eval.report')),
          )
        : null,
      ev ? h('h4', {}, t('evidence.title')) : null,
      ev && !this.files.length ? h('p', { class: 'hint' }, t('evidence.none')) : null,
      this.files.length
        ? h(
            'ul',
            { class: 'evidence-list' },
            this.files.map((f) =>
              h(
                'li',
                {},
                h('a', { href: f.url, download: f.name }, f.name),
                ` · ${t('evidence.size', { kb: Math.max(1, Math.round(f.size / 1024)) })}`,
                f.indicator ? ` · ${f.indicator}` : '',
                f.note ? ` · ${f.note}` : '',
              ),
            ),
          )
        : null,
      ev && editable(ev.status) && this.canWrite() ? this.form : null,
      this.note,
    );
    showFieldErrors(this.form, this.fieldErrors, false);
  }
}
