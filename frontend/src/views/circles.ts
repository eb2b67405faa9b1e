// 区县 District / 评审 Reviewer view: the circles of the user's district, a
// form to register one, the evaluation preview and, for reviewers and
// admins, the review workspace first (views/review.ts).

import type { MapMouseEvent } from 'maplibre-gl';
import { api, ApiError } from '../api';
import { canReview, user } from '../auth';
import { fill, h, message, restoreForms, saveForms } from '../dom';
import { describeError } from '../errors';
import { formatIndicator, type EvaluationPreview } from '../evaluation';
import { formatNumber, formatYuan } from '../format';
import { checkFields, formValues, serverFieldError, showFieldErrors, type FieldErrors } from '../forms';
import { LegendControl, shareLegend, simpleSection, type LegendSection } from '../legend';
import { enumLabel, lang, pick, t, type Key } from '../i18n';
import { Layers, maplibregl } from '../map';
import { viewFromQuery } from '../place';
import { boundsOf, hasSynthetic, records, toCollection } from '../shapes';
import { CircleCoverage } from '../tools/circle-coverage';
import { EvaluationFiles } from '../tools/evaluation-files';
import { ReviewWorkspace } from './review';
import type { Context, View } from './view';

interface Circle {
  id: number;
  name: string;
  district: string;
  layout: string;
  status: string;
  version?: number;
  geometry?: GeoJSON.Geometry;
}

const circleColor = '#6a1b9a';
const communityColor = '#9ecae1';

/** centreOf is a circle's first centre point. */
function centreOf(c: Circle): [number, number] | null {
  const g = c.geometry;
  if (g?.type === 'Point') return g.coordinates as [number, number];
  if (g?.type === 'MultiPoint' && g.coordinates.length) return g.coordinates[0] as [number, number];
  return null;
}

/** The API's field names in the register form. */
const registerFields: Record<string, string> = { geometry: 'center', planned_year: 'year', completed_year: 'year' };
/** The API's field names in the survey form. */
const surveyFields: Record<string, string> = { satisfaction_rate: 'satisfaction_pct' };

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
  private review = new ReviewWorkspace({
    circleName: (id) => this.circleName(id),
    districtName: (code) => this.districtName(code),
    showCircle: (id) => this.showCircle(id),
    changed: () => this.render(),
  });
  private selected = 0;
  private coverage!: CircleCoverage;
  private legend = new LegendControl();
  /** registering: a map click places the new circle's centre instead of selecting a circle */
  private registering = false;
  private registerErrors: FieldErrors = {};
  private surveyErrors: FieldErrors = {};
  private files = new EvaluationFiles(scheme, year, () => user()?.role !== 'reviewer');

  enter(ctx: Context): void {
    this.ctx = ctx;
    this.layers = new Layers(ctx.map);
    this.layers.source('my-communities');
    this.layers.source('my-circles');
    this.layers.layer({ id: 'my-communities-fill', type: 'fill', source: 'my-communities', paint: { 'fill-color': communityColor, 'fill-opacity': 0.3 } });
    this.layers.layer({ id: 'my-communities-line', type: 'line', source: 'my-communities', paint: { 'line-color': '#3182bd', 'line-width': 1 } });
    this.layers.layer({
      id: 'my-circles-points',
      type: 'circle',
      source: 'my-circles',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 3, 14, 9],
        'circle-color': 'rgba(255,255,255,0.01)',
        'circle-stroke-color': circleColor,
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, 1.5, 14, 3],
      },
    });
    this.coverage = new CircleCoverage({ map: ctx.map, layers: this.layers }, (id) => this.communities.find((c) => c.id === id)?.geometry);
    this.layers.layer({
      id: 'my-circles-selected',
      type: 'circle',
      source: 'my-circles',
      filter: ['==', ['get', 'id'], -1],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 6, 14, 14],
        'circle-color': circleColor,
        'circle-opacity': 0.35,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 3,
      },
    });
    ctx.map.addControl(this.legend, 'top-left');
    ctx.map.on('click', this.onClick);
    ctx.map.on('mousemove', this.onHover);
    this.registering = false;
    this.loadCircles();
    this.loadCommunities();
    if (canReview(user())) {
      this.review.render();
      this.review.load();
    }
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
    if (canReview(user())) this.review.render();
    this.render();
  }

  leave(): void {
    this.ctx.map.off('click', this.onClick);
    this.ctx.map.off('mousemove', this.onHover);
    this.ctx.map.getCanvas().style.cursor = '';
    this.centerMarker?.remove();
    this.centerMarker = null;
    this.ctx.map.removeControl(this.legend);
    this.layers.removeAll();
    this.review.leave();
    this.ctx.demoData(false);
  }

  /** circleAt is the circle drawn under (or within a finger's width of) a map point. */
  private circleAt(p: { x: number; y: number }): Circle | null {
    if (!this.ctx.map.getLayer('my-circles-points')) return null;
    const r = 12;
    const hits = this.ctx.map.queryRenderedFeatures(
      [
        [p.x - r, p.y - r],
        [p.x + r, p.y + r],
      ],
      { layers: ['my-circles-points'] },
    );
    const id = Number(hits[0]?.properties?.id);
    return this.circles?.find((c) => c.id === id) ?? null;
  }

  private onHover = (e: MapMouseEvent): void => {
    this.ctx.map.getCanvas().style.cursor = this.registering ? 'crosshair' : this.circleAt(e.point) ? 'pointer' : '';
  };

  /** onClick places the new circle's centre while registering; otherwise it selects the circle clicked. */
  private onClick = (e: MapMouseEvent): void => {
    if (!this.registering) {
      const c = this.circleAt(e.point);
      if (c) this.evaluate(c, 'map');
      return;
    }
    this.center = [e.lngLat.lng, e.lngLat.lat];
    this.centerMarker ??= new maplibregl.Marker({ color: circleColor });
    this.centerMarker.setLngLat(this.center).addTo(this.ctx.map);
    delete this.registerErrors.center;
    this.render();
  };

  /** setRegistering enters or leaves the register mode. */
  private setRegistering(on: boolean): void {
    this.registering = on;
    if (!on) {
      this.center = null;
      this.centerMarker?.remove();
      this.centerMarker = null;
      this.registerErrors = {};
    }
    this.formMessage = null;
    this.render();
    if (on) this.ctx.panel.querySelector<HTMLElement>('section.register input[name=name]')?.focus();
  }

  /** updateLegend names the layers drawn: communities, circle centres, the selected circle's area and served shading. */
  private updateLegend(): void {
    const sections: LegendSection[] = [simpleSection('communities', t('legend.communities'), communityColor, 'fill'), simpleSection('circles', t('legend.circles'), circleColor, 'ring')];
    if (this.selected) sections.push(simpleSection('circle-area', t('legend.circleArea'), circleColor, 'line'), shareLegend());
    if (this.registering) sections.push(simpleSection('new-centre', t('legend.newCenter'), circleColor, 'pin'));
    this.legend.update(sections);
  }

  /** highlight marks the selected circle on the map. */
  private highlight(): void {
    if (this.ctx.map.getLayer('my-circles-selected')) this.ctx.map.setFilter('my-circles-selected', ['==', ['get', 'id'], this.selected || -1]);
  }

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
    if (canReview(user())) this.review.render();
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

  /**
   * evaluate selects a circle: it is marked in the list and on the map, the
   * map goes to it, and its walking area, served communities and evaluation
   * open. From the map the list scrolls to the row; from the list the panel
   * scrolls to the evaluation.
   */
  private async evaluate(c: Circle, from: 'list' | 'map' = 'list'): Promise<void> {
    this.review.close();
    this.preview = { circle: c };
    this.selected = c.id;
    this.submitMessage = null;
    this.surveyErrors = {};
    this.render();
    this.highlight();
    const at = centreOf(c);
    if (at && from === 'list') this.ctx.map.flyTo({ center: at, zoom: Math.max(this.ctx.map.getZoom(), 14), duration: 500 });
    if (from === 'map') this.ctx.panel.querySelector('table.circles tr.selected')?.scrollIntoView({ block: 'nearest' });
    this.coverage.show(c.id, c.name);
    try {
      const data = await api.get<EvaluationPreview>(`/api/v1/circles/${c.id}/evaluation`, { scheme, year });
      this.preview = { circle: c, data };
      this.files.show(c.id, data.indicators);
    } catch (e) {
      this.preview = { circle: c, error: describeError(e) };
    }
    this.render();
    if (this.selected !== c.id) return;
    if (from === 'list') this.ctx.panel.querySelector('section.preview')?.scrollIntoView({ block: 'start' });
    else this.ctx.panel.querySelector('table.circles tr.selected')?.scrollIntoView({ block: 'nearest' });
  }

  /** showCircle puts a circle under review on the map: selected, its walking area and served communities drawn. */
  private showCircle(id: number): void {
    const c = this.circles?.find((x) => x.id === id);
    this.preview = null;
    this.selected = id;
    this.highlight();
    this.updateLegend();
    const at = c ? centreOf(c) : null;
    if (at) this.ctx.map.jumpTo({ center: at, zoom: Math.max(this.ctx.map.getZoom(), 14) });
    this.coverage.show(id, c?.name ?? `#${id}`);
  }

  /**
   * submitEvaluation stores the surveyed values as this year's evaluation of
   * the circle (a new draft, or the existing draft or returned one) and
   * submits it for review.
   */
  private async submitEvaluation(c: Circle, form: HTMLFormElement): Promise<void> {
    const v = formValues(form);
    const errors = checkFields(v, {
      satisfaction_pct: { required: true, min: 0, max: 100 },
      survey_sample_size: { required: true, min: 0, integer: true },
      complaints_received: { min: 0, integer: true },
      complaints_resolved: { min: 0, integer: true },
    });
    if (!errors.complaints_resolved && Number(v.complaints_resolved || 0) > Number(v.complaints_received || 0)) errors.complaints_resolved = t('form.resolvedTooMany');
    this.surveyErrors = errors;
    if (Object.keys(errors).length) {
      this.submitMessage = message(t('form.check'), 'error');
      this.render();
      return;
    }
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
      this.surveyErrors = {};
      this.submitMessage = message(t('eval.submittedOk', { name: c.name }));
      this.files.load();
      if (canReview(user())) await this.review.load();
    } catch (e) {
      const detail = e instanceof ApiError && e.kind === 'http' ? e.message : describeError(e);
      const field = serverFieldError(e, surveyFields);
      this.surveyErrors = field ? { [field.field]: field.message } : {};
      this.submitMessage = message(field ? t('form.check') : detail, 'error');
    }
    this.render();
  }

  private async register(form: HTMLFormElement): Promise<void> {
    const fd = new FormData(form);
    const v = formValues(form);
    const errors = checkFields(v, {
      name: { required: true },
      year: { required: v.status === 'completed', min: 2000, max: 2100, integer: true },
      district: { required: !user()?.district },
    });
    if (!this.center) errors.center = t('form.needCenter');
    if (!fd.getAll('community_ids').length) errors.community_ids = t('form.needCommunity');
    this.registerErrors = errors;
    if (Object.keys(errors).length) {
      this.formMessage = message(t('form.check'), 'error');
      this.render();
      return;
    }
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
      form.reset();
      this.setRegistering(false);
      this.formMessage = message(t('circles.created', { name: created?.properties?.name ?? props.name }));
      await this.loadCircles();
    } catch (e) {
      const detail = e instanceof ApiError && e.kind === 'http' ? e.message : describeError(e);
      const field = serverFieldError(e, registerFields);
      this.registerErrors = field ? { [field.field]: field.message } : {};
      this.formMessage = message(field ? t('form.check') : detail, 'error');
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
    const reviewing = canReview(user());
    if (reviewing && this.review.isOpen) fill(this.ctx.panel, h('h2', {}, t('circles.title')), this.review.el, this.coverage.el);
    else
      fill(
        this.ctx.panel,
        h('h2', {}, t('circles.title')),
        reviewing ? this.review.el : null,
        this.circlesList(),
        this.coverage.el,
        this.previewSection(),
        this.registerForm(),
      );
    restoreForms(this.ctx.panel, typed);
    const reg = this.ctx.panel.querySelector<HTMLElement>('section.register form');
    if (reg) showFieldErrors(reg, this.registerErrors, false);
    const survey = this.ctx.panel.querySelector<HTMLElement>('form.submit-eval');
    if (survey) showFieldErrors(survey, this.surveyErrors, false);
    this.coverage.render();
    this.files.relabel();
    if (reviewing) this.review.relabel();
    this.updateLegend();
  }

  private circlesList(): HTMLElement {
    if (this.circlesError) return message(this.circlesError, 'error');
    if (!this.circles) return message(t('common.loading'));
    if (!this.circles.length) return message(t('circles.none'));
    const choose = (c: Circle) => this.evaluate(c);
    return h(
      'table',
      { class: 'table circles', 'aria-describedby': 'circles-hint' },
      h('caption', { id: 'circles-hint', class: 'hint small' }, t('circles.selectHint')),
      h('thead', {}, h('tr', {}, h('th', {}, t('circles.name')), h('th', { class: 'col-district' }, t('circles.district')), h('th', {}, t('circles.layout')), h('th', {}, t('circles.status')), h('th', {}, h('span', { class: 'visually-hidden' }, t('circles.evaluate'))))),
      h(
        'tbody',
        {},
        this.circles.map((c) =>
          h(
            'tr',
            {
              class: c.id === this.selected ? 'selected' : undefined,
              'data-circle': String(c.id),
              tabindex: '0',
              'aria-current': c.id === this.selected ? 'true' : undefined,
              onclick: (e: Event) => {
                if (!(e.target as HTMLElement).closest('button, a, input')) choose(c);
              },
              onkeydown: (e: KeyboardEvent) => {
                if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
                e.preventDefault();
                choose(c);
              },
            },
            h('td', {}, c.name),
            h('td', { class: 'col-district' }, (c as Circle & { pilot_zone?: string }).pilot_zone || this.districtName(c.district)),
            h('td', {}, enumLabel('circles.layout', c.layout)),
            h('td', {}, h('span', { class: `status status-${c.status}` }, enumLabel('circles.status', c.status))),
            h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': `${t('circles.evaluate')}：${c.name}`, onclick: () => choose(c) }, t('circles.evaluate'))),
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
        novalidate: true,
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
    if (!this.registering)
      return h(
        'section',
        { class: 'register' },
        h('button', { type: 'button', class: 'primary register-start', onclick: () => this.setRegistering(true) }, t('circles.registerStart')),
        this.formMessage,
      );
    const options = (prefix: string, values: string[]) => values.map((v) => h('option', { value: v }, enumLabel(prefix, v)));
    const form = h(
      'form',
      {
        class: 'form',
        'data-keep': 'register',
        novalidate: true,
        onsubmit: (e: Event) => {
          e.preventDefault();
          this.register(e.target as HTMLFormElement);
        },
      },
      h('label', {}, t('circles.name'), h('input', { name: 'name', required: true, maxlength: '100', autocomplete: 'off' })),
      h('label', {}, t('circles.layout'), h('select', { name: 'layout' }, options('circles.layout', ['cluster', 'block', 'scattered']))),
      h('label', {}, t('circles.status'), h('select', { name: 'status' }, options('circles.status', ['planned', 'building', 'completed']))),
      user()?.district
        ? null
        : h('label', {}, t('circles.district'), h('select', { name: 'district', required: true }, this.districts.map((d) => h('option', { value: d.code }, d.name)))),
      h('label', {}, t('circles.year'), h('input', { name: 'year', type: 'number', min: '2000', max: '2100', step: '1', value: '2024' })),
      h(
        'p',
        { class: 'center', 'data-field': 'center', tabindex: '-1' },
        `${t('circles.center')}: `,
        this.center ? `${this.center[0].toFixed(5)}, ${this.center[1].toFixed(5)}` : t('circles.centerHint'),
      ),
      h(
        'fieldset',
        { class: 'communities', 'data-field': 'community_ids' },
        h('legend', {}, t('circles.communities')),
        this.communitiesError ? message(this.communitiesError, 'error') : null,
        this.communities.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'community_ids', value: String(c.id) }), c.name)),
      ),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, t('circles.submit')),
        h('button', { type: 'button', class: 'small secondary register-cancel', onclick: () => this.setRegistering(false) }, t('circles.registerCancel')),
      ),
      this.formMessage,
    );
    return h('section', { class: 'register registering' }, h('h3', {}, t('circles.registerStart')), h('p', { class: 'notice mode' }, t('circles.registerMode')), form);
  }
}
