// The shell: header with navigation, language and login; the demo-data
// banner; the panel and the map; hash routes to the views.

import './style.css';
import { api } from './api';
import { logout, onUserChange, restore, user } from './auth';
import { h, message } from './dom';
import { describeError } from './errors';
import { enumLabel, lang, onLangChange, restoreLang, setLang, storedLang, t, type Key } from './i18n';
import { createMap, setData, whenLoaded } from './map';
import { toCollection } from './shapes';
import { CirclesView } from './views/circles';
import { LoginView } from './views/login';
import { PlannerView } from './views/planner';
import { ProgressView } from './views/progress';
import { ResidentView } from './views/resident';
import type { Context, View } from './views/view';

restoreLang(storedLang());

const header = h('header', { class: 'top' });
const banner = h('aside', { class: 'banner', hidden: true });
const panel = h('section', { class: 'panel', 'aria-live': 'polite' });
const mapEl = h('div', { class: 'map', id: 'map' });
const mapNote = h('div', { class: 'map-note' });
// On a phone the panel sits under the map; this handle gives it more room or gives it back.
const sheetHandle = h('button', { type: 'button', class: 'sheet-handle', 'aria-expanded': 'false', onclick: () => setExpanded(!expanded) });
const sheet = h('div', { class: 'sheet' }, sheetHandle, panel);
const main = h('main', { class: 'layout' }, sheet, h('div', { class: 'map-wrap' }, mapEl, mapNote));
let expanded = false;

function setExpanded(on: boolean): void {
  expanded = on;
  main.classList.toggle('expanded', on);
  sheetHandle.setAttribute('aria-expanded', String(on));
  sheetHandle.textContent = t(on ? 'sheet.collapse' : 'sheet.expand');
  requestAnimationFrame(() => map.resize());
}
document.getElementById('app')!.replaceChildren(header, banner, main);

const map = createMap(mapEl);
const login = new LoginView();
const routes: Record<string, { view: View; nav?: Key }> = {
  '#/': { view: new ResidentView(), nav: 'nav.resident' },
  '#/planner': { view: new PlannerView(), nav: 'nav.planner' },
  '#/circles': { view: new CirclesView(), nav: 'nav.circles' },
  '#/progress': { view: new ProgressView(), nav: 'nav.progress' },
  '#/login': { view: login },
};
let current: View | null = null;

const ctx: Context = {
  map,
  panel,
  demoData(on) {
    banner.hidden = !on;
  },
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

function routeKey(): string {
  const k = location.hash || '#/';
  return k in routes ? k : '#/';
}

function route(): void {
  let key = routeKey();
  if (routes[key].view.needsLogin && !user()) {
    login.next = key;
    login.required = true;
    key = '#/login';
    history.replaceState(null, '', key);
  }
  const next = routes[key].view;
  current?.leave();
  current = next;
  banner.hidden = true;
  setExpanded(false);
  main.classList.toggle('wide', !!next.wide);
  main.classList.toggle('no-map', !!next.noMap);
  renderHeader();
  next.enter(ctx);
  requestAnimationFrame(() => map.resize());
}

function renderHeader(): void {
  const key = routeKey();
  const u = user();
  header.replaceChildren(
    h('h1', { class: 'brand-title' }, h('a', { class: 'brand', href: '#/' }, h('strong', {}, t('app.title')), h('span', {}, t('app.subtitle')))),
    h(
      'nav',
      { 'aria-label': t('nav.main') },
      Object.entries(routes)
        .filter(([, r]) => r.nav)
        .map(([hash, r]) => h('a', { href: hash, 'aria-current': hash === key ? 'page' : undefined }, t(r.nav!))),
    ),
    h(
      'div',
      { class: 'tools' },
      u
        ? h(
            'span',
            { class: 'who', title: t('nav.user', { user: u.username, role: enumLabel('role', u.role) }) },
            h('span', { class: 'who-name' }, u.username),
            h('span', { class: 'who-role' }, enumLabel('role', u.role)),
          )
        : null,
      u
        ? h('button', { type: 'button', class: 'logout', onclick: () => logout().finally(() => ctx.go('#/')) }, t('nav.logout'))
        : h('a', { href: '#/login', class: 'login-link' }, t('nav.login')),
      h('button', { type: 'button', class: 'lang', lang: lang() === 'zh' ? 'en' : 'zh', onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh') }, t('lang.toggle')),
    ),
  );
  banner.textContent = t('demo.banner');
  banner.setAttribute('aria-label', t('demo.label'));
  sheetHandle.textContent = t(expanded ? 'sheet.collapse' : 'sheet.expand');
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('app.title')} · ${t('app.subtitle')}`;
}

/** loadCounties draws the county boundaries, the offline base layer under every view. */
async function loadCounties(): Promise<void> {
  await whenLoaded(map);
  setData(map, 'counties');
  // Under the views' layers, which may already be on the map.
  const above = map.getStyle().layers.find((l) => l.id !== 'background' && l.id !== 'basemap')?.id;
  map.addLayer({ id: 'counties-fill', type: 'fill', source: 'counties', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.5 } }, above);
  map.addLayer({ id: 'counties-line', type: 'line', source: 'counties', paint: { 'line-color': '#6b7b6b', 'line-width': 1.2, 'line-dasharray': [3, 2] } }, above);
  // The walking network from the server's vector tiles (zoom 13 and closer).
  map.addSource('network', { type: 'vector', url: `${location.origin}/tiles/network.json` });
  map.addLayer(
    {
      id: 'network-line',
      type: 'line',
      source: 'network',
      'source-layer': 'network',
      minzoom: 13,
      paint: {
        'line-color': '#b9c3ca',
        'line-width': ['interpolate', ['linear'], ['zoom'], 13, 0.6, 17, ['match', ['get', 'highway'], ['primary', 'secondary', 'tertiary'], 4, 2]],
      },
    },
    above,
  );
  try {
    setData(map, 'counties', toCollection(await api.get('/api/v1/regions', { level: 'county' })));
    mapNote.replaceChildren();
  } catch (e) {
    mapNote.replaceChildren(message(t('map.countiesMissing', { message: describeError(e) }), 'error'));
  }
}

onLangChange(() => {
  renderHeader();
  current?.render();
});
onUserChange(() => renderHeader());
window.addEventListener('hashchange', route);

async function start(): Promise<void> {
  await Promise.all([restore().catch(() => null), whenLoaded(map)]);
  route();
  await loadCounties();
}

start();
