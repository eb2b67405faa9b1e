// 导入 Outlet register import: a CSV with its coordinate system declared
// (never guessed), checked first without writing (dry run), then imported
// (POST /api/v1/imports/outlets, multipart field "file").

import { api, withQuery } from '../api';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { t, type Key } from '../i18n';

export interface ImportReport {
  import_id: number;
  dry_run: boolean;
  rows_ok: number;
  rows_rejected: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejections: { row: number; field: string; reason: string }[];
  warnings?: string[];
}

const crsList = ['wgs84', 'gcj02', 'bd09'] as const;
const sources = ['csv', 'amap', 'osm', 'manual'] as const;

export class ImportTool {
  readonly el = h('div', { class: 'tool import' });
  private readonly form: HTMLFormElement;
  private readonly result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  private report: ImportReport | null = null;
  private error = '';
  private busy = false;
  /** the file and settings the last clean dry run was for */
  private checked = '';

  constructor(
    /** imported is called after outlets were written */
    private readonly imported: () => void,
  ) {
    // Labels carry their key so a language switch can relabel the form
    // without losing the chosen file.
    const text = (key: Key) => h('span', { 'data-i18n': key }, t(key));
    const option = (value: string, key: Key) => h('option', { value, 'data-i18n': key }, t(key));
    const select = (name: string, label: Key, options: HTMLOptionElement[], required = false) =>
      h('label', {}, text(label), h('select', { name, required, onchange: () => this.render() }, options));
    this.form = h(
      'form',
      { class: 'form import-form', onsubmit: (e: Event) => e.preventDefault() },
      h('label', {}, text('import.file'), h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', required: true, onchange: () => this.render() })),
      select('crs', 'import.crs', [option('', 'import.crsChoose'), ...crsList.map((c) => option(c, `import.crs.${c}` as Key))], true),
      select('source', 'import.source', sources.map((s) => option(s, `import.source.${s}` as Key))),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', class: 'small dry-run', onclick: () => this.send(true) }, text('import.dryRun')),
        h('button', { type: 'button', class: 'small run-import', onclick: () => this.send(false) }, text('import.run')),
      ),
    );
    this.el.append(this.form, this.result);
  }

  private key(): string {
    const fd = new FormData(this.form);
    const f = fd.get('file');
    return f instanceof File && f.name ? `${f.name}:${f.size}:${f.lastModified}|${fd.get('crs')}|${fd.get('source')}` : '';
  }

  private async send(dryRun: boolean): Promise<void> {
    if (!this.form.reportValidity()) return;
    const fd = new FormData(this.form);
    const file = fd.get('file') as File;
    const key = this.key();
    if (!dryRun && key !== this.checked) {
      this.error = t('import.needCheck');
      this.render();
      return;
    }
    const body = new FormData();
    body.append('file', file, file.name);
    const q = { crs: String(fd.get('crs')), source: String(fd.get('source')), file: file.name, dry_run: dryRun };
    this.busy = true;
    this.error = '';
    this.render();
    try {
      this.report = await api.upload<ImportReport>(withQuery('/api/v1/imports/outlets', q), body);
      this.checked = dryRun && this.report.rows_ok > 0 ? key : '';
      if (!dryRun) this.imported();
    } catch (e) {
      this.report = null;
      this.checked = '';
      this.error = describeError(e);
    }
    this.busy = false;
    this.render();
  }

  render(): void {
    for (const el of this.form.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as Key);
    const ready = this.key() !== '' && this.key() === this.checked;
    for (const b of this.form.querySelectorAll('button')) b.disabled = this.busy;
    (this.form.querySelector('.run-import') as HTMLButtonElement).disabled = this.busy || !ready;
    const r = this.report;
    const vars: Record<string, number> = r ? { ok: r.rows_ok, rejected: r.rows_rejected, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, id: r.import_id } : {};
    fill(
      this.result,
      this.busy ? message(t('common.loading')) : null,
      this.error ? message(this.error, 'error') : null,
      r ? message(t(r.dry_run ? 'import.checked' : 'import.done', vars)) : null,
      r?.warnings?.length ? h('div', { class: 'warnings' }, h('h4', {}, t('import.warnings')), h('ul', {}, r.warnings.map((w) => h('li', {}, w)))) : null,
      r?.rejections.length
        ? h(
            'table',
            { class: 'table rejections' },
            h('thead', {}, h('tr', {}, h('th', { class: 'num' }, t('import.row')), h('th', {}, t('import.field')), h('th', {}, t('import.reason')))),
            h('tbody', {}, r.rejections.map((x) => h('tr', {}, h('td', { class: 'num' }, String(x.row)), h('td', {}, x.field), h('td', {}, x.reason)))),
          )
        : null,
    );
  }
}
