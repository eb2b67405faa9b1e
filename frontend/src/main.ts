// The shell: header with navigation, language and login; the demo-data
// banner; the panel and the map; hash routes to the views.

import './style.css';
import { logout, onUserChange, restore, user } from './auth';
import { h, message } from './dom';
import { enumLabel, lang, onLangChange, restoreLang, setLang, storedLang, t, type Key } from './i18n';
import { createMap, maplibregl, showPlace, whenLoaded } from './map';
import { SearchBox, type SearchHit } from './search';
import { CirclesView } from './views/circles';
import { LoginView } from './views/login';
import { categories } from './categories';
import { PlannerView, prefetchPlanner } from './views/planner';
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

const map = createMap(mapEl, (msg) => mapNote.replaceChildren(message(t('map.styleMissing', { message: msg }), 'error')));
const search = new SearchBox(showHit);
let searchPopup: maplibregl.Popup | null = null;

/** showHit moves the map to a place found by the search box, leaving a view without a map for the resident map first. */
function showHit(hit: SearchHit): void {
  const show = () =>
    requestAnimationFrame(() => {
      map.resize();
      showPlace(map, hit);
      searchPopup?.remove();
      searchPopup = new maplibregl.Popup({ offset: 6, className: 'search-popup', maxWidth: '260px' })
        .setLngLat([hit.lon, hit.lat])
        .setDOMContent(h('div', {}, h('strong', {}, hit.name), hit.detail ? h('div', { class: 'small' }, hit.detail) : null))
        .addTo(map);
    });
  // The address names the place, so a view's first fit to its data leaves
  // the map where the search put it, and the link can be shared.
  const u = new URL(location.href);
  u.searchParams.set('center', `${hit.lon.toFixed(6)},${hit.lat.toFixed(6)}`);
  u.searchParams.set('zoom', hit.bbox ? '14' : '16');
  const leave = !!current?.noMap;
  if (leave) u.hash = '#/';
  history.replaceState(null, '', u);
  if (leave) route(); // the map view takes over; the map gets its size back
  show();
}
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
    search.el,
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
  search.render();
  banner.textContent = t('demo.banner');
  banner.setAttribute('aria-label', t('demo.label'));
  sheetHandle.textContent = t(expanded ? 'sheet.collapse' : 'sheet.expand');
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('app.title')} · ${t('app.subtitle')}`;
}

onLangChange(() => {
  renderHeader();
  current?.render();
});
onUserChange(() => renderHeader());
window.addEventListener('hashchange', route);

// The login check and the map's style load side by side; the view then
// asks for its data while the map is still drawing its first tiles.
async function start(): Promise<void> {
  categories().catch(() => null);
  if (routeKey() === '#/planner') prefetchPlanner();
  await Promise.all([restore().catch(() => null), whenLoaded(map)]);
  route();
}

start();
