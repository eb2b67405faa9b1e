// 区县 District / 评审 Reviewer view: the circles of the user's district, a
// form to register one, the evaluation preview, and the review queue.

import type { MapMouseEvent } from 'maplibre-gl';
import { api, ApiError } from '../api';
import { canReview, user } from '../auth';
import { fill, h, message, restoreForms, saveForms } from '../dom';
import { describeError } from '../errors';
import { defaultAward, formatIndicator, type EvaluationPreview } from '../evaluation';
import { formatNumber, formatYuan } from '../format';
import { enumLabel, lang, pick, t, type Key } from '../i18n';
import { Layers, maplibregl } from '../map';
import { viewFromQuery } from '../place';
import { boundsOf, hasSynthetic, records, toCollection } from '../shapes';
import { CircleCoverage } from '../tools/circle-coverage';
import { EvaluationFiles } from '../tools/evaluation-files';
import type { Context, View } from './view';

interface Circle {
  id: number;
  name: string;
  district: string;
  layout: string;
  status: string;
  version?: number;
}

interface Community {
  id: number;
  name: string;
  district?: string;
  geometry?: GeoJSON.Geometry;
}

interface Evaluation {
  id: number;
  circle_id: number;
  status: string;
  version: number;
  year: number;
  total: number;
  tier: string;
  result?: EvaluationPreview;
}

const scheme = 'jining-2023';
const year = 2023;

export class CirclesView implements View {
  needsLogin = true;
  wide = true;
  private ctx!: Context;
  private layers!: Layers;
  private circles: Circle[] | null = null;
  private circlesError = '';
  private communities: Community[] = [];
  private communitiesError = '';
  /** districts to choose from, for users not tied to one */
  private districts: { code: string; name: string }[] = [];
  private center: [number, number] | null = null;
  private centerMarker: maplibregl.Marker | null = null;
  private formMessage: HTMLElement | null = null;
  private submitMessage: HTMLElement | null = null;
  private preview: { circle: Circle; data?: EvaluationPreview; error?: string } | null = null;
  private queue: Evaluation[] | null = null;
  private queueError = '';
  private queueMessage = '';
  private comments = new Map<number, string>();
  private awards = new Map<number, number>();
  private selected = 0;
  private coverage!: CircleCoverage;
  private files = new EvaluationFiles(scheme, year, () => user()?.role !== 'reviewer');

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.layers = new Layers(ctx.map);
    this.layers.source('my-communities');
    this.layers.source('my-circles');
    this.layers.layer({ id: 'my-communities-fill', type: 'fill', source: 'my-communities', paint: { 'fill-color': '#9ecae1', 'fill-opacity': 0.3 } });
    this.layers.layer({ id: 'my-communities-line', type: 'line', source: 'my-communities', paint: { 'line-color': '#3182bd', 'line-width': 1 } });
    this.layers.layer({
      id: 'my-circles-points',
      type: 'circle',
      source: 'my-circles',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 9],
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#6a1b9a',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 14, 3],
      },
    });
    this.coverage = new CircleCoverage({ map: ctx.map, layers: this.layers }, (id) => this.communities.find((c) => c.id === id)?.geometry);
    ctx.map.on('click', this.onClick);
    this.loadCircles();
    this.loadCommunities();
    if (canReview(user())) this.loadQueue();
    this.loadDistricts();
    this.render();
  }

  private async loadDistricts(): Promise<void> {
    try {
      const data = await api.get<unknown>('/api/v1/regions', { level: 'county' });
      this.districts = records(data).map((r) => ({ code: String(r.county || String(r.code).slice(0, 6)), name: String(r.name) }));
    } catch (e) {
      this.formMessage = message(describeError(e), 'error');
    }
    this.render();
  }

  leave(): void {
    this.ctx.map.off('click', this.onClick);
    this.centerMarker?.remove();
    this.centerMarker = null;
    this.layers.removeAll();
    this.ctx.demoData(false);
  }

  private onClick = (e: MapMouseEvent): void => {
    this.center = [e.lngLat.lng, e.lngLat.lat];
    this.centerMarker ??= new maplibregl.Marker({ color: '#6a1b9a' });
    this.centerMarker.setLngLat(this.center).addTo(this.ctx.map);
    this.render();
  };

  private async loadCircles(): Promise<void> {
    try {
      const data = await api.get<unknown>('/api/v1/circles', { district: user()?.district });
      this.circles = records(data) as unknown as Circle[];
      this.circlesError = '';
      this.layers.source('my-circles', toCollection(data));
      this.ctx.demoData(hasSynthetic(data));
    } catch (e) {
      this.circles = null;
      this.circlesError = describeError(e);
    }
    this.render();
  }

  private async loadCommunities(): Promise<void> {
    try {
      const data = await api.get<unknown>('/api/v1/communities', { district: user()?.district });
      this.communities = records(data) as unknown as Community[];
      const fc = toCollection(data);
      this.layers.source('my-communities', fc);
      const b = boundsOf(fc);
      if (b && !viewFromQuery(location.search)) this.ctx.map.fitBounds(b, { padding: 30, maxZoom: 14, duration: 0 });
    } catch (e) {
      this.communitiesError = describeError(e);
    }
    this.render();
  }

  private async loadQueue(): Promise<void> {
    try {
      const [submitted, approved] = await Promise.all([
        api.get<unknown>('/api/v1/evaluations', { status: 'submitted' }),
        api.get<unknown>('/api/v1/evaluations', { status: 'approved' }),
      ]);
      this.queue = [...records(submitted), ...records(approved)] as unknown as Evaluation[];
      this.queueError = '';
    } catch (e) {
      this.queue = null;
      this.queueError = describeError(e);
    }
    this.render();
  }

  /** evaluate selects a circle: its walking area and served communities on the map, and its evaluation. */
  private async evaluate(c: Circle): Promise<void> {
    this.preview = { circle: c };
    this.selected = c.id;
    this.submitMessage = null;
    this.render();
    this.coverage.show(c.id, c.name);
    try {
      const data = await api.get<EvaluationPreview>(`/api/v1/circles/${c.id}/evaluation`, { scheme, year });
      this.preview = { circle: c, data };
      this.files.show(c.id, data.indicators);
    } catch (e) {
      this.preview = { circle: c, error: describeError(e) };
    }
    this.render();
    this.ctx.panel.querySelector('section.preview')?.scrollIntoView({ block: 'start' });
  }

  private async act(ev: Evaluation, action: 'approve' | 'return' | 'certify'): Promise<void> {
    try {
      const body: Record<string, unknown> = { version: ev.version, comment: this.comments.get(ev.id) ?? '' };
      if (action === 'certify') body.award_yuan = this.awards.get(ev.id) ?? defaultAward(ev);
      await api.post(`/api/v1/evaluations/${ev.id}/${action}`, body);
      this.comments.delete(ev.id);
      this.queueMessage = t('review.done', { action: t(`review.${action}` as Key), name: this.circleName(ev.circle_id) });
    } catch (e) {
      this.queueMessage = describeError(e);
    }
    await this.loadQueue();
  }

  /**
   * submitEvaluation stores the surveyed values as this year's evaluation of
   * the circle (a new draft, or the existing draft or returned one) and
   * submits it for review.
   */
  private async submitEvaluation(c: Circle, form: HTMLFormElement): Promise<void> {
    const fd = new FormData(form);
    const num = (k: string) => (fd.get(k) === '' || fd.get(k) === null ? undefined : Number(fd.get(k)));
    const rate = num('satisfaction_pct');
    const submitted = {
      satisfaction_rate: rate === undefined ? undefined : rate / 100,
      survey_sample_size: num('survey_sample_size'),
      management_system: fd.get('management_system') === 'on',
      complaint_channel: fd.get('complaint_channel') === 'on',
      complaints_received: num('complaints_received') ?? 0,
      complaints_resolved: num('complaints_resolved') ?? 0,
    };
    try {
      let ev: Evaluation;
      try {
        ev = await api.post<Evaluation>('/api/v1/evaluations', { circle_id: c.id, scheme, year, submitted });
      } catch (e) {
        if (!(e instanceof ApiError && e.kind === 'conflict')) throw e;
        const existing = records(await api.get('/api/v1/evaluations', { circle_id: c.id, scheme, year }))[0] as unknown as Evaluation | undefined;
        if (!existing) throw e;
        if (existing.status !== 'draft' && existing.status !== 'returned') {
          this.submitMessage = message(t('eval.notEditable', { year, status: enumLabel('review.status', existing.status) }), 'error');
          this.render();
          return;
        }
        ev = await api.request<Evaluation>('PUT', `/api/v1/evaluations/${existing.id}`, { version: existing.version, submitted });
      }
      await api.post(`/api/v1/evaluations/${ev.id}/submit`, { version: ev.version, comment: '' });
      this.submitMessage = message(t('eval.submittedOk', { name: c.name }));
      this.files.load();
      if (canReview(user())) await this.loadQueue();
    } catch (e) {
      const detail = e instanceof ApiError && e.kind === 'http' ? e.message : describeError(e);
      this.submitMessage = message(detail, 'error');
    }
    this.render();
  }

  private async register(form: HTMLFormElement): Promise<void> {
    const fd = new FormData(form);
    const status = String(fd.get('status'));
    const yearValue = Number(fd.get('year')) || undefined;
    const props = {
      name: String(fd.get('name') ?? '').trim(),
      district: user()?.district || String(fd.get('district') ?? ''),
      layout: String(fd.get('layout')),
      status,
      planned_year: status === 'completed' ? undefined : yearValue,
      completed_year: status === 'completed' ? yearValue : undefined,
      community_ids: fd.getAll('community_ids').map(Number),
    };
    // The API takes a circle as a GeoJSON Feature located at its centre.
    const feature = {
      type: 'Feature',
      geometry: this.center ? { type: 'Point', coordinates: this.center } : null,
      properties: props,
    };
    try {
      const created = await api.post<{ properties?: Circle }>('/api/v1/circles', feature);
      this.formMessage = message(t('circles.created', { name: created?.properties?.name ?? props.name }));
      form.reset();
      this.center = null;
      this.centerMarker?.remove();
      this.centerMarker = null;
      await this.loadCircles();
    } catch (e) {
      const detail = e instanceof ApiError && e.kind === 'http' ? e.message : describeError(e);
      this.formMessage = message(detail, 'error');
      this.render();
    }
  }

  private districtName(code: string): string {
    return this.districts.find((d) => d.code === code)?.name ?? code;
  }

  private circleName(id: number): string {
    return this.circles?.find((c) => c.id === id)?.name ?? `#${id}`;
  }

  render(): void {
    const typed = saveForms(this.ctx.panel);
    fill(
      this.ctx.panel,
      h('h2', {}, t('circles.title')),
      this.circlesList(),
      this.coverage.el,
      this.previewSection(),
      this.registerForm(),
      canReview(user()) ? this.queueSection() : null,
    );
    restoreForms(this.ctx.panel, typed);
    this.coverage.render();
    this.files.relabel();
  }

  private circlesList(): HTMLElement {
    if (this.circlesError) return message(this.circlesError, 'error');
    if (!this.circles) return message(t('common.loading'));
    if (!this.circles.length) return message(t('circles.none'));
    return h(
      'table',
      { class: 'table circles' },
      h('thead', {}, h('tr', {}, h('th', {}, t('circles.name')), h('th', { class: 'col-district' }, t('circles.district')), h('th', {}, t('circles.layout')), h('th', {}, t('circles.status')), h('th', {}))),
      h(
        'tbody',
        {},
        this.circles.map((c) =>
          h(
            'tr',
            { class: c.id === this.selected ? 'selected' : undefined },
            h('td', {}, c.name),
            h('td', { class: 'col-district' }, (c as Circle & { pilot_zone?: string }).pilot_zone || this.districtName(c.district)),
            h('td', {}, enumLabel('circles.layout', c.layout)),
            h('td', {}, h('span', { class: `status status-${c.status}` }, enumLabel('circles.status', c.status))),
            h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => this.evaluate(c) }, t('circles.evaluate'))),
          ),
        ),
      ),
    );
  }

  private previewSection(): HTMLElement | null {
    const p = this.preview;
    if (!p) return null;
    const head = h('h3', {}, t('eval.title', { name: p.circle.name }));
    if (p.error) return h('section', { class: 'preview' }, head, message(p.error, 'error'));
    if (!p.data) return h('section', { class: 'preview' }, head, message(t('common.loading')));
    const d = p.data;
    const l = lang();
    const tierName = pick(d.tier_name, d.tier_name_en, l) || enumLabel('eval.tier', d.tier);
    const total = d.max_total ? `${formatNumber(d.total)} / ${formatNumber(d.max_total)}` : formatNumber(d.total);
    return h(
      'section',
      { class: 'preview' },
      head,
      d.reconstructed !== false ? h('p', { class: 'notice' }, t('eval.notice')) : null,
      h('p', { class: 'score' }, h('strong', {}, t('eval.total', { total })), ' · ', t('eval.tier', { tier: tierName })),
      d.tier_reason ? h('p', { class: 'hint' }, pick(d.tier_reason, d.tier_reason_en, l)) : null,
      h(
        'table',
        { class: 'table indicators' },
        h('thead', {}, h('tr', {}, h('th', {}, t('eval.indicator')), h('th', {}, t('eval.value')), h('th', {}, t('eval.points')), h('th', {}, t('eval.explanation')))),
        h(
          'tbody',
          {},
          d.indicators.map((i) =>
            h(
              'tr',
              {},
              h('td', {}, pick(i.name, i.name_en, l)),
              h('td', { class: 'num' }, formatIndicator(i.value, i.unit)),
              h('td', { class: 'num' }, `${formatNumber(i.points)} / ${formatNumber(i.max_points)}`),
              h('td', {}, pick(i.explanation, i.explanation_en, l)),
            ),
          ),
        ),
      ),
      d.gates?.length
        ? h(
            'div',
            { class: 'gates' },
            h('h4', {}, t('eval.gates')),
            h(
              'ul',
              {},
              d.gates.map((g) =>
                h(
                  'li',
                  { class: g.held ? 'ok' : 'fail' },
                  `${enumLabel('eval.tier', g.tier)} · ${pick(g.message, g.message_en, l) || g.condition || ''}: ${t(g.held ? 'eval.gatePass' : 'eval.gateFail')}`,
                ),
              ),
            ),
          )
        : null,
      d.award
        ? h(
            'p',
            {},
            t('eval.award', { award: d.award.eligible ? t('eval.awardEligible', { cap: formatYuan(d.award.cap_yuan) }) : t('eval.awardNot') }),
            d.award.reason ? ` (${pick(d.award.reason, d.award.reason_en, l)})` : '',
          )
        : null,
      this.files.el,
      user()?.role === 'reviewer' ? null : this.submitForm(p.circle),
    );
  }

  private submitForm(c: Circle): HTMLElement {
    const numberField = (name: string, label: Key, attrs: Record<string, string>) =>
      h('label', {}, t(label), h('input', { name, type: 'number', ...attrs }));
    return h(
      'form',
      {
        class: 'form submit-eval',
        'data-keep': `evaluation-${c.id}`,
        onsubmit: (e: Event) => {
          e.preventDefault();
          this.submitEvaluation(c, e.target as HTMLFormElement);
        },
      },
      h('h4', {}, t('eval.submitTitle', { year })),
      numberField('satisfaction_pct', 'eval.satisfaction', { min: '0', max: '100', step: '0.1', required: 'required' }),
      numberField('survey_sample_size', 'eval.sample', { min: '0', step: '1', required: 'required' }),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'management_system' }), t('eval.management')),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'complaint_channel' }), t('eval.channel')),
      numberField('complaints_received', 'eval.received', { min: '0', step: '1', value: '0' }),
      numberField('complaints_resolved', 'eval.resolved', { min: '0', step: '1', value: '0' }),
      h('button', { type: 'submit', class: 'primary' }, t('eval.submit')),
      this.submitMessage,
    );
  }

  private registerForm(): HTMLElement {
    const options = (prefix: string, values: string[]) => values.map((v) => h('option', { value: v }, enumLabel(prefix, v)));
    const form = h(
      'form',
      {
        class: 'form',
        'data-keep': 'register',
        onsubmit: (e: Event) => {
          e.preventDefault();
          this.register(e.target as HTMLFormElement);
        },
      },
      h('label', {}, t('circles.name'), h('input', { name: 'name', required: true, maxlength: '100' })),
      h('label', {}, t('circles.layout'), h('select', { name: 'layout' }, options('circles.layout', ['cluster', 'block', 'scattered']))),
      h('label', {}, t('circles.status'), h('select', { name: 'status' }, options('circles.status', ['planned', 'building', 'completed']))),
      user()?.district
        ? null
        : h('label', {}, t('circles.district'), h('select', { name: 'district', required: true }, this.districts.map((d) => h('option', { value: d.code }, d.name)))),
      h('label', {}, t('circles.year'), h('input', { name: 'year', type: 'number', min: '2000', max: '2100', value: '2024' })),
      h('p', { class: 'center' }, `${t('circles.center')}: `, this.center ? `${this.center[0].toFixed(5)}, ${this.center[1].toFixed(5)}` : t('circles.centerHint')),
      h(
        'fieldset',
        { class: 'communities' },
        h('legend', {}, t('circles.communities')),
        this.communitiesError ? message(this.communitiesError, 'error') : null,
        this.communities.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'community_ids', value: String(c.id) }), c.name)),
      ),
      h('button', { type: 'submit', class: 'primary' }, t('circles.submit')),
      this.formMessage,
    );
    return h('details', { class: 'register', open: !!this.center || !!this.formMessage }, h('summary', {}, t('circles.register')), form);
  }

  private queueSection(): HTMLElement {
    const body = (): (HTMLElement | null)[] => {
      if (this.queueError) return [message(this.queueError, 'error')];
      if (!this.queue) return [message(t('common.loading'))];
      if (!this.queue.length) return [message(t('review.none'))];
      return this.queue.map((ev) =>
        h(
          'div',
          { class: 'review-item', 'data-evaluation': String(ev.id) },
          h(
            'div',
            {},
            h('strong', {}, this.circleName(ev.circle_id)),
            ` · ${ev.year} · `,
            enumLabel('review.status', ev.status),
            ` · ${formatNumber(ev.total)} · ${enumLabel('eval.tier', ev.tier)} · `,
            h('a', { class: 'download', href: `/api/v1/evaluations/${ev.id}/report.xlsx`, download: '' }, t('eval.report')),
          ),
          h('input', {
            'aria-label': t('review.comment'),
            placeholder: t('review.comment'),
            value: this.comments.get(ev.id) ?? '',
            oninput: (e: Event) => this.comments.set(ev.id, (e.target as HTMLInputElement).value),
          }),
          ev.status === 'approved'
            ? h(
                'label',
                { class: 'award' },
                t('review.awardYuan'),
                h('input', {
                  type: 'number',
                  min: '0',
                  max: String(ev.result?.award?.cap_yuan ?? 0),
                  step: '1000',
                  value: String(this.awards.get(ev.id) ?? defaultAward(ev)),
                  oninput: (e: Event) => this.awards.set(ev.id, Number((e.target as HTMLInputElement).value) || 0),
                }),
              )
            : null,
          h(
            'div',
            { class: 'actions' },
            ev.status === 'submitted' ? h('button', { type: 'button', class: 'small', onclick: () => this.act(ev, 'approve') }, t('review.approve')) : null,
            ev.status === 'approved' ? h('button', { type: 'button', class: 'small', onclick: () => this.act(ev, 'certify') }, t('review.certify')) : null,
            h('button', { type: 'button', class: 'small secondary', onclick: () => this.act(ev, 'return') }, t('review.return')),
          ),
        ),
      );
    };
    return h('section', { class: 'queue' }, h('h3', {}, t('review.title')), this.queueMessage ? message(this.queueMessage) : null, ...body());
  }
}
