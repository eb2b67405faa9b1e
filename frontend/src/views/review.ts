// 评审工作台 The reviewer's workspace, inside the district / review view: the
// queues first (submitted for review, approved for certification, returned,
// certified; oldest first, counted per district), and an opened item with
// the circle on the map, the submitted values, each indicator with its
// evidence shown in place, what changed since submission (when the server
// offers GET /api/v1/evaluations/{id}/changes), the history, and the
// decision: approve, return with a reason, or certify after a dialog that
// states the tier, the total and the award the scheme allows.

import './review.css';
import { api, ApiError } from '../api';
import { categories, categoryName } from '../categories';
import { fill, h, message } from '../dom';
import { describeError } from '../errors';
import { formatIndicator } from '../evaluation';
import { formatDistance, formatNumber, formatYuan } from '../format';
import { checkFields, serverFieldError, showFieldErrors, type FieldErrors } from '../forms';
import { enumLabel, lang, pick, t, type Key } from '../i18n';
import {
  awardFor,
  awardRule,
  changesOf,
  countsByDistrict,
  eventComment,
  previewKind,
  queue,
  queueStatuses,
  waitingDays,
  when,
  type AwardRule,
  type Change,
  type Evaluation,
  type EvaluationEvent,
  type QueueStatus,
} from '../reviewing';

export interface ReviewHost {
  circleName(id: number): string;
  districtName(code: string): string;
  /** showCircle puts a circle on the map: selected, in view, its walking area and served communities drawn */
  showCircle(id: number): void;
  /** changed asks the host to lay out its panel again (an item was opened or closed) */
  changed(): void;
}

interface EvidenceFile {
  id: number;
  name: string;
  indicator?: string;
  note?: string;
  content_type?: string;
  size: number;
  url: string;
  uploaded_by?: string;
}

/** Detail is everything shown of an opened evaluation. */
interface Detail {
  ev: Evaluation;
  events: EvaluationEvent[] | null;
  files: EvidenceFile[] | null;
  /** changes is null while loading or when the server has no such route */
  changes: Change[] | null;
  changesError: string;
  error: string;
}

export class ReviewWorkspace {
  readonly el = h('div', { class: 'review-workspace' });
  private all: Evaluation[] | null = null;
  private loadError = '';
  private tab: QueueStatus = 'submitted';
  private detail: Detail | null = null;
  private note: HTMLElement | null = null;
  private comment = '';
  private decisionErrors: FieldErrors = {};
  private busy = false;
  private lastError = '';
  private schemes = new Map<string, Promise<AwardRule | null>>();
  private previews = new Map<number, HTMLElement>();
  private blobs: string[] = [];
  private dialog: HTMLDialogElement | null = null;
  private renderedLang = '';
  private seq = 0;

  constructor(private readonly host: ReviewHost) {}

  /** open reports whether an evaluation is opened (the host then shows little else). */
  get isOpen(): boolean {
    return this.detail !== null;
  }

  /** load reads the evaluations the user may review, all statuses at once. */
  async load(): Promise<void> {
    try {
      this.all = (await api.get<Evaluation[]>('/api/v1/evaluations')) ?? [];
      this.loadError = '';
    } catch (e) {
      this.all = null;
      this.loadError = describeError(e);
    }
    this.render();
  }

  /** relabel redraws after a language switch. */
  relabel(): void {
    if (this.renderedLang && this.renderedLang !== lang()) this.render();
  }

  /** close leaves the opened item and goes back to the queue. */
  close(): void {
    if (!this.detail) return;
    this.detail = null;
    this.note = null;
    this.comment = '';
    this.decisionErrors = {};
    this.dropPreviews();
    this.closeDialog();
    this.render();
    this.host.changed();
  }

  /** leave drops what the workspace holds outside its element. */
  leave(): void {
    this.dropPreviews();
    this.closeDialog();
    this.detail = null;
  }

  private dropPreviews(): void {
    for (const u of this.blobs) URL.revokeObjectURL(u);
    this.blobs = [];
    this.previews.clear();
  }

  private award(code: string): Promise<AwardRule | null> {
    let p = this.schemes.get(code);
    if (!p) {
      p = api.get<unknown>(`/api/v1/schemes/${encodeURIComponent(code)}`).then(awardRule, () => null);
      this.schemes.set(code, p);
    }
    return p;
  }

  /** openItem opens an evaluation: the map goes to its circle, and its values, evidence, changes and history load. */
  async openItem(ev: Evaluation, note: HTMLElement | null = null): Promise<void> {
    const seq = ++this.seq;
    const again = this.detail?.ev.id === ev.id;
    if (!again) {
      this.dropPreviews();
      this.comment = '';
      this.decisionErrors = {};
    }
    this.detail = { ev, events: this.detail && again ? this.detail.events : null, files: this.detail && again ? this.detail.files : null, changes: null, changesError: '', error: '' };
    this.note = note;
    this.render();
    if (!again) {
      this.host.changed();
      this.host.showCircle(ev.circle_id);
      this.el.querySelector<HTMLElement>('.review-detail h3')?.focus();
    } else this.note?.focus?.();
    const base = `/api/v1/evaluations/${ev.id}`;
    const [fresh, events, files, changes] = await Promise.allSettled([
      api.get<Evaluation>(base),
      api.get<EvaluationEvent[]>(`${base}/events`),
      api.get<{ evidence: EvidenceFile[] }>(`${base}/evidence`),
      api.get<unknown>(`${base}/changes`),
    ]);
    if (seq !== this.seq || !this.detail) return;
    const d = this.detail;
    if (fresh.status === 'fulfilled') d.ev = fresh.value;
    else d.error = describeError(fresh.reason);
    d.events = events.status === 'fulfilled' ? (events.value ?? []) : [];
    if (events.status === 'rejected') d.error ||= describeError(events.reason);
    d.files = files.status === 'fulfilled' ? (files.value?.evidence ?? []) : [];
    if (files.status === 'rejected') d.error ||= describeError(files.reason);
    if (changes.status === 'fulfilled') {
      await categories().catch(() => []);
      d.changes = changesOf(changes.value, (c) => categoryName(c), (m) => formatDistance(m));
    }
    else if (!(changes.reason instanceof ApiError && (changes.reason.status === 404 || changes.reason.kind === 'unavailable'))) d.changesError = describeError(changes.reason);
    this.render();
  }

  /** act approves or returns the opened evaluation with the comment. */
  private async act(action: 'approve' | 'return'): Promise<void> {
    const d = this.detail;
    if (!d || this.busy) return;
    const form = this.el.querySelector<HTMLFormElement>('form.review-decision');
    this.comment = form?.querySelector<HTMLTextAreaElement>('textarea[name=comment]')?.value ?? this.comment;
    this.decisionErrors = action === 'return' ? checkFields({ comment: this.comment }, { comment: { required: true } }) : {};
    if (this.decisionErrors.comment) this.decisionErrors.comment = t('rv.needReason');
    if (Object.keys(this.decisionErrors).length) {
      this.render();
      this.el.querySelector<HTMLElement>('textarea[name=comment]')?.focus();
      return;
    }
    await this.move(action, { version: d.ev.version, comment: this.comment.trim() });
  }

  /** move posts an action, then shows the evaluation as it now is; errors are shown next to their field. */
  private async move(action: 'approve' | 'return' | 'certify', body: Record<string, unknown>, onFieldError?: (field: string, msg: string) => boolean): Promise<boolean> {
    const d = this.detail;
    if (!d) return false;
    this.busy = true;
    try {
      const ev = await api.post<Evaluation>(`/api/v1/evaluations/${d.ev.id}/${action}`, body);
      this.busy = false;
      this.closeDialog();
      this.comment = '';
      this.decisionErrors = {};
      const done = message(t('review.done', { action: t(`review.${action}` as Key), name: this.host.circleName(ev.circle_id) }));
      this.tab = (queueStatuses as readonly string[]).includes(ev.status) ? (ev.status as QueueStatus) : this.tab;
      await this.load();
      await this.openItem(ev, done);
      return true;
    } catch (e) {
      this.busy = false;
      const field = serverFieldError(e);
      if (field && onFieldError?.(field.field, field.message)) return false;
      this.lastError = describeError(e);
      if (field?.field === 'comment') this.decisionErrors = { comment: field.message };
      else this.note = message(this.lastError, 'error');
      this.render();
      return false;
    }
  }

  render(): void {
    this.renderedLang = lang();
    const typed = this.el.querySelector<HTMLTextAreaElement>('form.review-decision textarea[name=comment]');
    if (typed) this.comment = typed.value;
    fill(this.el, this.detail ? this.detailSection(this.detail) : this.queueSection());
    const form = this.el.querySelector<HTMLElement>('form.review-decision');
    if (form) showFieldErrors(form, this.decisionErrors, false);
  }

  private queueSection(): HTMLElement {
    const all = this.all;
    const head = [h('h3', {}, t('rv.title')), h('p', { class: 'hint' }, t('rv.intro'))];
    if (this.loadError) return h('section', { class: 'queue' }, head, message(this.loadError, 'error'));
    if (!all) return h('section', { class: 'queue' }, head, message(t('common.loading')));
    const items = queue(all, this.tab);
    const counts = countsByDistrict(items);
    return h(
      'section',
      { class: 'queue', 'aria-labelledby': 'review-queue-title' },
      h('h3', { id: 'review-queue-title' }, t('rv.title')),
      h('p', { class: 'hint' }, t('rv.intro')),
      h(
        'div',
        { class: 'chips review-tabs', role: 'group', 'aria-label': t('rv.tabs') },
        queueStatuses.map((s) =>
          h(
            'button',
            {
              type: 'button',
              class: 'chip',
              'data-status': s,
              'aria-pressed': String(s === this.tab),
              onclick: () => {
                this.tab = s;
                this.note = null;
                this.render();
              },
            },
            t(`rv.tab.${s}` as Key),
            h('span', { class: 'tab-count' }, String(queue(all, s).length)),
          ),
        ),
      ),
      this.note,
      counts.length
        ? h(
            'p',
            { class: 'district-counts' },
            `${t('rv.byDistrict')}：`,
            counts.flatMap((c, i) => [i ? ' · ' : '', h('span', { 'data-district': c.district }, `${this.host.districtName(c.district)} ${t('rv.count', { n: c.count })}`)]),
          )
        : null,
      items.length
        ? h(
            'ol',
            { class: 'review-list' },
            items.map((ev) => {
              const days = waitingDays(ev);
              const name = this.host.circleName(ev.circle_id);
              return h(
                'li',
                { class: 'review-item', 'data-evaluation': String(ev.id) },
                h(
                  'button',
                  { type: 'button', class: 'review-open', onclick: () => this.openItem(ev) },
                  h('span', { class: 'review-name' }, name),
                  h(
                    'span',
                    { class: 'review-meta' },
                    `${this.host.districtName(ev.district)} · ${ev.year} · ${formatNumber(ev.total)} · ${enumLabel('eval.tier', ev.tier)}`,
                    ev.status === 'certified' && ev.award_yuan ? ` · ${formatYuan(ev.award_yuan)}` : '',
                  ),
                  h('span', { class: 'review-wait' }, days ? t('rv.waiting', { days }) : t('rv.today')),
                ),
              );
            }),
          )
        : message(t('rv.empty')),
    );
  }

  private detailSection(d: Detail): HTMLElement {
    const ev = d.ev;
    const l = lang();
    const name = this.host.circleName(ev.circle_id);
    const res = ev.result;
    const tierName = res ? pick(res.tier_name, res.tier_name_en, l) || enumLabel('eval.tier', ev.tier) : enumLabel('eval.tier', ev.tier);
    return h(
      'section',
      { class: 'review-detail', 'data-evaluation': String(ev.id), 'aria-labelledby': 'review-detail-title' },
      h('button', { type: 'button', class: 'small secondary review-back', onclick: () => this.close() }, `← ${t('rv.back')}`),
      h('h3', { id: 'review-detail-title', tabindex: '-1' }, t('rv.detailTitle', { name, year: ev.year }), ' ', h('span', { class: `status status-${ev.status}` }, enumLabel('review.status', ev.status))),
      h('p', { class: 'hint' }, t('rv.by', { district: this.host.districtName(ev.district), user: ev.created_by ?? '—' }), ' · ', h('a', { class: 'download', href: `/api/v1/evaluations/${ev.id}/report.xlsx`, download: '' }, t('eval.report'))),
      this.note,
      d.error ? message(d.error, 'error') : null,
      h('p', { class: 'hint map-hint' }, t('rv.mapHint')),
      h('p', { class: 'score' }, h('strong', {}, t('rv.score', { total: res?.max_total ? `${formatNumber(ev.total)} / ${formatNumber(res.max_total)}` : formatNumber(ev.total), tier: tierName }))),
      ev.status === 'certified' ? h('p', { class: 'certified-award' }, t('rv.certified', { award: formatYuan(ev.award_yuan ?? 0) })) : null,
      this.submittedTable(ev),
      this.indicators(d),
      this.changesSection(d),
      this.history(d),
      this.decision(ev),
    );
  }

  private submittedTable(ev: Evaluation): HTMLElement {
    const s = ev.submitted ?? {};
    const none = h('span', { class: 'hint' }, t('rv.notEntered'));
    const yesNo = (b?: boolean) => t(b ? 'common.yes' : 'common.no');
    const received = s.complaints_received ?? 0;
    const resolved = s.complaints_resolved ?? 0;
    const rows: [Key, Node | string][] = [
      ['eval.satisfaction', s.satisfaction_rate === undefined ? none : formatNumber(s.satisfaction_rate * 100)],
      ['eval.sample', s.survey_sample_size === undefined ? none : formatNumber(s.survey_sample_size)],
      ['eval.management', yesNo(s.management_system)],
      ['eval.channel', yesNo(s.complaint_channel)],
      ['eval.received', formatNumber(received)],
      ['eval.resolved', `${formatNumber(resolved)}${received ? `（${t('rv.resolutionRate', { rate: `${formatNumber((resolved / received) * 100)}%` })}）` : ''}`],
    ];
    return h(
      'section',
      { class: 'review-submitted' },
      h('h4', {}, t('rv.submittedTitle')),
      h('table', { class: 'table submitted-values' }, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, t(k)), h('td', { class: 'num' }, v))))),
    );
  }

  private indicators(d: Detail): HTMLElement {
    const l = lang();
    const inds = d.ev.result?.indicators ?? [];
    const files = d.files ?? [];
    const byIndicator = (id: string) => files.filter((f) => f.indicator === id);
    const loose = files.filter((f) => !f.indicator || !inds.some((i) => i.id === f.indicator));
    return h(
      'section',
      { class: 'review-indicators' },
      h('h4', {}, t('rv.indicatorsTitle')),
      d.files === null ? message(t('common.loading')) : null,
      h(
        'table',
        { class: 'table indicators' },
        h('thead', {}, h('tr', {}, h('th', {}, t('eval.indicator')), h('th', {}, t('eval.value')), h('th', {}, t('eval.points')), h('th', {}, t('eval.explanation')))),
        h(
          'tbody',
          {},
          inds.flatMap((i) => {
            const own = byIndicator(i.id);
            return [
              h(
                'tr',
                { 'data-indicator': i.id, class: own.length ? 'has-evidence' : undefined },
                h('td', {}, h('strong', {}, i.id), ' ', pick(i.name, i.name_en, l)),
                h('td', { class: 'num' }, formatIndicator(i.value, i.unit)),
                h('td', { class: 'num' }, `${formatNumber(i.points)} / ${formatNumber(i.max_points)}`),
                h('td', {}, pick(i.explanation, i.explanation_en, l)),
              ),
              own.length ? h('tr', { class: 'evidence-row', 'data-indicator': i.id }, h('td', { colspan: '4' }, h('div', { class: 'evidence-previews' }, own.map((f) => this.preview(f))))) : null,
            ];
          }),
        ),
      ),
      loose.length ? [h('h4', {}, t('rv.otherEvidence')), h('div', { class: 'evidence-previews' }, loose.map((f) => this.preview(f)))] : null,
    );
  }

  /**
   * preview shows an evidence file in place: an image as an <img>, a PDF's
   * first page in a frame, each with a button that opens it large in a
   * viewer. The download URL itself cannot be framed (it is sent as an
   * attachment and the server forbids framing), so a PDF is read and shown
   * from a blob: URL, which the page's policy allows in frames. The small
   * frame takes no pointer events: the viewer is where a PDF is paged and
   * zoomed, and a frame inside the scrolling panel could otherwise catch
   * clicks meant for what scrolled over it. A download link is always there.
   */
  private preview(f: EvidenceFile): HTMLElement {
    const kept = this.previews.get(f.id);
    if (kept) return kept;
    const kind = previewKind(f.content_type, f.name);
    const label = t('rv.previewOf', { name: f.name });
    let src = kind === 'image' ? f.url : '';
    const zoom = h('button', { type: 'button', class: 'small evidence-zoom', disabled: kind !== 'image', onclick: () => src && this.openViewer(f.name, kind!, src) }, t('rv.zoom'));
    const caption = h(
      'figcaption',
      {},
      kind ? [zoom, ' '] : null,
      h('a', { href: f.url, download: f.name, class: 'evidence-download' }, `${t('rv.download')} ${f.name}`),
      ` · ${t('evidence.size', { kb: Math.max(1, Math.round(f.size / 1024)) })}`,
      f.note ? ` · ${f.note}` : '',
    );
    let body: HTMLElement | null = null;
    if (kind === 'image') body = h('img', { src: f.url, alt: label, loading: 'lazy', class: 'evidence-image' });
    if (kind === 'pdf') {
      body = h('div', { class: 'pdf-holder' }, message(t('common.loading')));
      const holder = body;
      fetch(f.url, { credentials: 'same-origin' })
        .then(async (res) => {
          if (!res.ok) throw new Error(String(res.status));
          src = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'application/pdf' }));
          this.blobs.push(src);
          zoom.disabled = false;
          fill(holder, h('iframe', { src: `${src}#toolbar=0&navpanes=0&view=FitH`, title: label, class: 'evidence-frame', tabindex: '-1' }));
        })
        .catch(() => fill(holder, h('p', { class: 'hint' }, t('rv.previewFailed'))));
    }
    const fig = h('figure', { class: `evidence-preview evidence-${kind ?? 'file'}`, 'data-evidence': String(f.id) }, body, caption);
    this.previews.set(f.id, fig);
    return fig;
  }

  /** openViewer shows an evidence file large, in a dialog above the page. */
  private openViewer(name: string, kind: 'image' | 'pdf', src: string): void {
    const label = t('rv.previewOf', { name });
    const dialog = h(
      'dialog',
      { class: 'evidence-viewer', 'aria-label': label },
      h('div', { class: 'viewer-head' }, h('strong', {}, name), h('button', { type: 'button', class: 'small secondary viewer-close', onclick: () => dialog.close() }, t('common.close'))),
      kind === 'image' ? h('img', { src, alt: label }) : h('iframe', { src: `${src}#view=FitH`, title: label }),
    );
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  private changesSection(d: Detail): HTMLElement | null {
    if (d.changesError) return h('section', { class: 'review-changes' }, h('h4', {}, t('rv.changesTitle')), message(d.changesError, 'error'));
    if (!d.changes) return null;
    return h(
      'section',
      { class: 'review-changes' },
      h('h4', {}, t('rv.changesTitle')),
      d.changes.length ? h('ul', {}, d.changes.map((c) => h('li', { class: c.kind ? `change-${c.kind}` : undefined }, c.text))) : h('p', { class: 'hint' }, t('rv.changesNone')),
    );
  }

  private history(d: Detail): HTMLElement {
    return h(
      'section',
      { class: 'review-history' },
      h('h4', {}, t('rv.historyTitle')),
      d.events === null
        ? message(t('common.loading'))
        : h(
            'ol',
            { class: 'history' },
            d.events.map((e) =>
              h(
                'li',
                { 'data-to': e.to },
                h('time', { datetime: e.at }, when(e.at)),
                ' ',
                h('strong', {}, e.actor),
                ' ',
                e.from && e.from !== e.to ? `${enumLabel('review.status', e.from)} → ${enumLabel('review.status', e.to)}` : e.from ? '' : enumLabel('review.status', e.to),
                e.comment ? h('span', { class: 'history-comment' }, eventComment(e.comment)) : null,
              ),
            ),
          ),
    );
  }

  private decision(ev: Evaluation): HTMLElement {
    const may = ev.status === 'submitted' || ev.status === 'approved';
    if (!may) return h('section', { class: 'review-decision-section' }, h('h4', {}, t('rv.decisionTitle')), h('p', { class: 'hint' }, t('rv.noDecision', { status: enumLabel('review.status', ev.status) })));
    const form = h(
      'form',
      { class: 'form review-decision', novalidate: true, onsubmit: (e: Event) => e.preventDefault() },
      h(
        'label',
        {},
        t('rv.comment'),
        h('textarea', { name: 'comment', rows: '3', maxlength: '1000', oninput: (e: Event) => (this.comment = (e.target as HTMLTextAreaElement).value) }, this.comment),
      ),
      h(
        'div',
        { class: 'actions' },
        ev.status === 'submitted' ? h('button', { type: 'button', class: 'primary review-approve', onclick: () => this.act('approve') }, t('review.approve')) : null,
        ev.status === 'approved' ? h('button', { type: 'button', class: 'primary review-certify', onclick: () => this.openCertify() }, t('rv.certifyOpen')) : null,
        h('button', { type: 'button', class: 'secondary review-return', onclick: () => this.act('return') }, t('review.return')),
      ),
    );
    return h('section', { class: 'review-decision-section' }, h('h4', {}, t('rv.decisionTitle')), form);
  }

  private closeDialog(): void {
    if (this.dialog?.open) this.dialog.close();
    this.dialog?.remove();
    this.dialog = null;
  }

  /** openCertify asks for confirmation: the tier, the total and the award, the award filled in with what the scheme allows. */
  private async openCertify(): Promise<void> {
    const d = this.detail;
    if (!d) return;
    this.comment = this.el.querySelector<HTMLTextAreaElement>('textarea[name=comment]')?.value ?? this.comment;
    const ev = d.ev;
    const rule = await this.award(ev.scheme);
    const allowed = awardFor(ev, rule);
    const cap = rule && allowed ? rule.cap_yuan : 0;
    const name = this.host.circleName(ev.circle_id);
    const l = lang();
    const tierName = (ev.result ? pick(ev.result.tier_name, ev.result.tier_name_en, l) : '') || enumLabel('eval.tier', ev.tier);
    const total = ev.result?.max_total ? `${formatNumber(ev.total)} / ${formatNumber(ev.result.max_total)}` : formatNumber(ev.total);
    const input = h('input', { name: 'award_yuan', type: 'number', min: '0', max: String(cap), step: '1', value: String(allowed), inputmode: 'numeric', required: true });
    const statement = h('p', { class: 'certify-statement', id: 'certify-statement' });
    const awardCell = h('dd', { class: 'certify-award' });
    const say = () => {
      const n = Number(input.value);
      const award = Number.isFinite(n) && input.value !== '' ? formatYuan(n) : '—';
      statement.textContent = t('rv.certifyText', { name, year: ev.year, tier: `“${tierName}”`, total, award });
      awardCell.textContent = award;
    };
    input.addEventListener('input', say);
    say();
    const note = h('div', { class: 'certify-note' });
    const form = h(
      'form',
      {
        class: 'form certify-form',
        method: 'dialog',
        novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const errors = checkFields({ award_yuan: input.value }, { award_yuan: { required: true, min: 0, max: cap, integer: true } });
          showFieldErrors(form, errors);
          if (Object.keys(errors).length) return;
          fill(note);
          const ok = await this.move('certify', { version: ev.version, comment: this.comment.trim(), award_yuan: Number(input.value) }, (field, msg) => {
            if (field !== 'award_yuan') return false;
            showFieldErrors(form, { award_yuan: msg });
            return true;
          });
          if (ok) this.closeDialog();
          else if (!form.querySelector('.field-error')) fill(note, message(this.lastError, 'error'));
        },
      },
      h('h3', { id: 'certify-title' }, t('rv.certifyTitle')),
      statement,
      h('dl', { class: 'certify-facts' }, h('dt', {}, t('rv.tier')), h('dd', {}, tierName), h('dt', {}, t('rv.total')), h('dd', {}, total), h('dt', {}, t('rv.award')), awardCell),
      h('label', {}, t('review.awardYuan'), input),
      h(
        'p',
        { class: 'hint' },
        allowed && rule
          ? t('rv.awardHint', { tier: `“${enumLabel('eval.tier', rule.tier)}”`, years: rule.years.join('、'), cap: formatYuan(rule.cap_yuan) })
          : rule && awardFor(ev, { ...rule, must_be_certified_in_year: false })
            ? t('rv.awardLate', { years: rule.years.join('、') })
            : ev.result?.award?.reason
              ? t('rv.awardWhy', { why: pick(ev.result.award.reason, ev.result.award.reason_en, l) })
              : t('rv.awardNone'),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'primary certify-confirm' }, t('rv.confirm')),
        h('button', { type: 'button', class: 'secondary certify-cancel', onclick: () => this.closeDialog() }, t('rv.cancel')),
      ),
      note,
    );
    this.closeDialog();
    const dialog = h('dialog', { class: 'certify-dialog', 'aria-labelledby': 'certify-title', 'aria-describedby': 'certify-statement' }, form);
    dialog.addEventListener('close', () => {
      if (this.dialog === dialog) this.closeDialog();
    });
    document.body.append(dialog);
    this.dialog = dialog;
    dialog.showModal();
    input.focus();
    input.select();
  }
}
