// Browser tests: build the web app and the Go binary, serve the Jining demo
// on a free port, drive Debian's Chromium with playwright-core, save
// screenshots to test-results/, and print "N passed, N failed".
//
//   npm run e2e                 # everything
//   QH_E2E_SKIP_BUILD=1 npm run e2e   # reuse dist/ as built
//   QH_CHROMIUM=/path/to/chrome npm run e2e

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core');
const axeSource = readFileSync(axePath, 'utf8');
const frontend = resolve(here, '..');
const repo = resolve(frontend, '..');
const results = join(frontend, 'test-results');
const chromiumPath = process.env.QH_CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // software WebGL for MapLibre without a GPU
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitHealthy(base, server, ms = 90_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${base}/healthz did not answer within ${ms / 1000}s`);
}

/** pixel is where lon/lat lands on a map of box showing centre at zoom (web Mercator, 512 px tiles). */
function pixel(box, centre, zoom, lon, lat) {
  const scale = 512 * 2 ** zoom;
  const x = (l) => ((l + 180) / 360) * scale;
  const y = (la) => {
    const s = Math.sin((la * Math.PI) / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale;
  };
  return [box.x + box.width / 2 + x(lon) - x(centre[0]), box.y + box.height / 2 + y(lat) - y(centre[1])];
}

/** number reads the first whole number in a text, ignoring thousands separators. */
const number = (text) => Number((text.replace(/,/g, '').match(/-?\d+/) ?? ['NaN'])[0]);

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

/** Chinese opening hours as the app writes them, e.g. 每天 07:00–23:00 or 周一至周五 15:00–21:00. */
const chineseHours = /每天|周[一二三四五六日]|24 小时营业/;
const rawHours = /\b(Mo|Tu|We|Th|Fr|Sa|Su)\b|24\/7/;

/**
 * axeCheck runs axe-core in page and fails on any serious or critical
 * violation, naming each rule and the first elements it found.
 */
async function axeCheck(p, view) {
  // Evaluated through the debugging protocol: the page's Content-Security-Policy refuses inline scripts.
  if (!(await p.evaluate(() => typeof window.axe !== 'undefined'))) await p.evaluate(readFileSync(axePath, 'utf8'));
  const result = await p.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.filter((v) => !bad.includes(v)).map((v) => `${v.id} (${v.impact})`);
  axeReport.push({ view, serious: bad.length, minor });
  expect(bad.length === 0, `${view}: ${bad.map((v) => `${v.id} [${v.impact}] ${v.help}: ${v.nodes.join(', ')}`).join(' | ')}`);
}
const axeReport = [];


// A small raster base map for the PMTiles test: PNG tiles drawn here (paper
// with a street grid and a tinted border per zoom) in a PMTiles v3 archive
// with one uncompressed root directory.

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** tilePng draws one 256-pixel tile: paper, a grid of streets, a faint border. */
function tilePng(z, x, y) {
  const size = 256;
  const raw = Buffer.alloc((size * 3 + 1) * size);
  const step = 32;
  for (let j = 0; j < size; j++) {
    raw[j * (size * 3 + 1)] = 0;
    for (let i = 0; i < size; i++) {
      const at = j * (size * 3 + 1) + 1 + i * 3;
      let c = [244, 240, 230];
      if ((i + x * 7) % step < 2 || (j + y * 5) % step < 2) c = [255, 255, 255];
      if (((i + j + z * 11) % 512) < 40) c = [214, 232, 206];
      if (i === 0 || j === 0) c = [226, 220, 206];
      raw[at] = c[0];
      raw[at + 1] = c[1];
      raw[at + 2] = c[2];
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** pmTileId numbers a tile along the PMTiles Hilbert curve of its zoom. */
function pmTileId(z, x, y) {
  let id = (4 ** z - 1) / 3;
  const n = 2 ** z;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = Math.floor(x / s) % 2;
    const ry = Math.floor(y / s) % 2;
    id += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = n - 1 - x;
        y = n - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return id;
}

function uvarint(n, out) {
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** testBasemap writes the tiles over [w, s, e, n] from zoom lo to hi as a PMTiles archive. */
function testBasemap([w, s, e, n], lo, hi) {
  const tx = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const ty = (lat, z) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
  };
  const entries = [];
  for (let z = lo; z <= hi; z++) {
    for (let x = tx(w, z); x <= tx(e, z); x++) for (let y = ty(n, z); y <= ty(s, z); y++) entries.push({ id: pmTileId(z, x, y), data: tilePng(z, x, y) });
  }
  entries.sort((a, b) => a.id - b.id);
  const dir = [];
  uvarint(entries.length, dir);
  let last = 0;
  for (const en of entries) {
    uvarint(en.id - last, dir);
    last = en.id;
  }
  for (const _ of entries) uvarint(1, dir);
  for (const en of entries) uvarint(en.data.length, dir);
  entries.forEach((en, i) => uvarint(i === 0 ? 1 : 0, dir));
  const root = Buffer.from(dir);
  const meta = Buffer.from(JSON.stringify({ attribution: '测试底图 Test base map', name: 'jining-test' }));
  const data = Buffer.concat(entries.map((en) => en.data));
  const h = Buffer.alloc(127);
  h.write('PMTiles', 0, 'ascii');
  h[7] = 3;
  const u64 = (at, v) => h.writeBigUInt64LE(BigInt(v), at);
  u64(8, 127);
  u64(16, root.length);
  u64(24, 127 + root.length);
  u64(32, meta.length);
  u64(40, 127 + root.length + meta.length);
  u64(48, 0);
  u64(56, 127 + root.length + meta.length);
  u64(64, data.length);
  u64(72, entries.length);
  u64(80, entries.length);
  u64(88, entries.length);
  h[96] = 1;
  h[97] = 1; // directories uncompressed
  h[98] = 1; // tiles uncompressed
  h[99] = 2; // png
  h[100] = lo;
  h[101] = hi;
  [w, s, e, n].forEach((v, i) => h.writeInt32LE(Math.round(v * 1e7), 102 + i * 4));
  h[118] = lo;
  h.writeInt32LE(Math.round(((w + e) / 2) * 1e7), 119);
  h.writeInt32LE(Math.round(((s + n) / 2) * 1e7), 123);
  return Buffer.concat([h, root, meta, data]);
}

const tmp = mkdtempSync(join(tmpdir(), 'qh-e2e-'));
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let server = null;
let basemapServer = null;
let context = null;
let passed = 0;
let failed = 0;

async function main() {
  mkdirSync(results, { recursive: true });
  if (!process.env.QH_E2E_SKIP_BUILD) run('npm', ['run', 'build'], frontend);
  const bin = join(tmp, 'qh');
  run('go', ['build', '-o', bin, './cmd/quarterhour'], repo);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['serve', '--demo', '--addr', `127.0.0.1:${port}`, '--db', `sqlite:${join(tmp, 'e2e.db')}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let serverLog = '';
  server.stderr.on('data', (d) => {
    serverLog = (serverLog + d).slice(-4000);
  });
  try {
    await waitHealthy(base, server);
  } catch (e) {
    console.error(serverLog);
    throw e;
  }

  // A place inside the demo data: the first circle's centre.
  const circles = await (await fetch(`${base}/api/v1/circles`)).json();
  const centre = circles.features?.find((f) => f.geometry?.type === 'Point')?.geometry.coordinates;
  expect(centre, 'the demo has no circle with a centre to start from');
  const at = `?center=${centre[0]},${centre[1]}&zoom=15`;

  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1366, height: 800 },
    locale: 'zh-CN',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  const foreign = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  const shot = (name, p = page) => p.screenshot({ path: join(results, `${name}.png`) });
  /** loginAs logs p out if someone is logged in, then in as username (password demo), landing on hash. */
  const loginAs = async (p, username, hash = '#/circles') => {
    // A fresh load: the map starts at the demo's first circle again.
    await p.goto('about:blank');
    await p.goto(`${base}/${at}#/`);
    await p.waitForSelector('.tools button.logout, .tools .login-link');
    if (await p.locator('.tools button.logout').count()) {
      await p.click('.tools button.logout');
      await p.waitForSelector('.tools .login-link');
    }
    await p.goto(`${base}/${at}${hash}`);
    await p.waitForSelector('form.login');
    await p.fill('input[name=username]', username);
    await p.fill('input[name=password]', 'demo');
    await p.click('form.login button[type=submit]');
    await p.waitForFunction((u) => document.querySelector('.tools .who-name')?.textContent === u, username, { timeout: 10_000 });
    await p.waitForFunction((h) => location.hash === h, hash);
  };
  /** watched is a new page of the browser's session whose errors count like the main page's. */
  const watched = async (width, height) => {
    const p = await context.newPage();
    await p.setViewportSize({ width, height });
    p.on('pageerror', (e) => pageErrors.push(e.message));
    return p;
  };
  const mapReady = (p = page) => p.waitForSelector('.maplibregl-canvas', { timeout: 20_000 });

  test('Chinese UI renders by default with the county base map', async () => {
    await page.goto(`${base}/`);
    await mapReady();
    await page.getByRole('link', { name: '居民' }).waitFor();
    const title = await page.textContent('.panel h2');
    expect(title.includes('15 分钟步行'), `panel title is ${JSON.stringify(title)}`);
    expect((await page.getAttribute('html', 'lang')) === 'zh-CN', 'html lang is not zh-CN');
    await page.waitForTimeout(1500);
    const note = await page.textContent('.map-note');
    expect(!note.trim(), `map note shows: ${note}`);
    await shot('01-resident-zh');
  });

  test('switches to English and back', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Resident' }).waitFor();
    const title = await page.textContent('.panel h2');
    expect(title.includes('15-minute walk'), `panel title is ${JSON.stringify(title)}`);
    await shot('02-resident-en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('link', { name: '居民' }).waitFor();
  });

  test('login: a wrong password keeps the user name and says so by the form', async () => {
    await page.goto(`${base}/#/login`);
    await page.waitForSelector('form.login');
    await page.click('form.login button[type=submit]');
    const missing = await page.locator('form.login .field-error').count();
    expect(missing === 2, `${missing} field messages for an empty form`);
    await page.fill('input[name=username]', 'demo-admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('form.login .msg-error', { timeout: 10_000 });
    expect((await page.textContent('form.login .msg-error')).includes('用户名或密码错误'), 'no wrong-password message');
    expect((await page.inputValue('input[name=username]')) === 'demo-admin', 'the user name was cleared');
    expect((await page.inputValue('input[name=password]')) === '', 'the wrong password is still there');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name') === 'password'), 'the password field has no focus');
  });

  test('planner view asks for a login, then logs in as demo-admin', async () => {
    await page.goto(`${base}/${at}#/planner`);
    await page.waitForSelector('form.login');
    await page.fill('input[name=username]', 'demo-admin');
    await page.fill('input[name=password]', 'demo');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('.tools .who');
    const who = await page.textContent('.tools .who');
    expect(who.includes('demo-admin'), `header shows ${who}`);
    await page.waitForFunction(() => location.hash === '#/planner');
    // The logout button reads clearly against the header: its text differs from what lies behind it.
    const colours = await page.evaluate(() => {
      const b = document.querySelector('.tools button.logout');
      const cs = getComputedStyle(b);
      return { color: cs.color, background: cs.backgroundColor, header: getComputedStyle(document.querySelector('header.top')).backgroundColor };
    });
    const behind = colours.background === 'rgba(0, 0, 0, 0)' ? colours.header : colours.background;
    expect(colours.color !== behind, `logout is ${colours.color} on ${behind}`);
  });

  test('planner shows outlets, communities, circles and the demo-data banner', async () => {
    for (const layer of ['outlets', 'communities', 'circles']) {
      await page.waitForSelector(`fieldset[data-layer=${layer}] .count`, { timeout: 15_000 });
      const n = Number((await page.textContent(`fieldset[data-layer=${layer}] .count`)).replace(/\D/g, ''));
      expect(n > 0, `${layer} layer is empty`);
    }
    expect(await page.isVisible('.banner'), 'demo-data banner is hidden');
    expect((await page.textContent('.banner')).includes('演示数据'), 'banner does not say 演示数据');
    await page.check('fieldset[data-layer=access] input[type=checkbox]');
    await page.waitForSelector('fieldset[data-layer=access] .count, fieldset[data-layer=access] .msg', { timeout: 20_000 });
    await page.waitForTimeout(1000);
    // The legend on the map names every visible layer.
    expect(await page.isVisible('.map-legend .legend-body'), 'no legend on the map');
    const legend = await page.textContent('.map-legend');
    for (const want of ['步行到最近网点', '无居民', '社区', '生活圈中心']) expect(legend.includes(want), `legend lacks ${want}: ${legend}`);
    expect(/基本保障类|品质提升类|公共服务类/.test(legend), `legend names no outlet group: ${legend}`);
    expect((await page.locator('fieldset.layer input[type=range]').count()) === 4, 'not one opacity control per layer');
    await page.uncheck('fieldset[data-layer=communities] input[type=checkbox]');
    expect(!(await page.locator('.map-legend [data-legend=communities]').count()), 'a hidden layer is still in the legend');
    await page.check('fieldset[data-layer=communities] input[type=checkbox]');
    await shot('03-planner');
  });

  test('district view lists circles and previews an evaluation', async () => {
    await page.goto(`${base}/${at}#/circles`);
    await page.waitForSelector('table.circles tbody tr', { timeout: 15_000 });
    await page.click('table.circles tbody tr:first-child button');
    await page.waitForSelector('section.preview table.indicators, section.preview .msg-error', { timeout: 20_000 });
    expect(await page.isVisible('section.preview table.indicators'), `preview: ${await page.textContent('section.preview')}`);
    expect((await page.textContent('section.preview .notice')).includes('重构的默认指标体系'), 'no reconstructed-scheme notice');
    await page.waitForSelector('section.queue');
    await shot('04-circles');
  });

  test('registers a circle, submits its evaluation, approves and certifies it', async () => {
    const name = `测试生活圈 ${Date.now() % 100000}`;
    await page.click('button.register-start');
    await page.fill('section.register input[name=name]', name);
    await page.selectOption('section.register select[name=layout]', 'block');
    const box = await page.locator('.map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('section.register fieldset.communities input[type=checkbox]').first().check();
    await page.click('section.register button[type=submit]');
    await page.waitForSelector('section.register .msg', { timeout: 15_000 });
    const created = await page.textContent('section.register .msg');
    expect(created.includes('已登记'), `register: ${created}`);
    const row = page.locator('table.circles tbody tr', { hasText: name });
    await row.locator('button').click();
    await page.waitForSelector('form.submit-eval', { timeout: 20_000 });
    await page.fill('form.submit-eval input[name=satisfaction_pct]', '92');
    await page.fill('form.submit-eval input[name=survey_sample_size]', '150');
    await page.check('form.submit-eval input[name=management_system]');
    await page.check('form.submit-eval input[name=complaint_channel]');
    await page.click('form.submit-eval button[type=submit]');
    await page.waitForSelector('form.submit-eval .msg', { timeout: 20_000 });
    const submitted = await page.textContent('form.submit-eval .msg');
    expect(submitted.includes('已提交评审'), `submit: ${submitted}`);
    // The admin approves from the review workspace; another user certifies (four eyes).
    await page.locator('section.queue .review-item', { hasText: name }).locator('button').click();
    await page.click('.review-detail button.review-approve');
    await page.waitForFunction((n) => document.querySelector('.review-detail .msg')?.textContent?.includes(`已通过：${n}`), name, { timeout: 15_000 });
    await loginAs(page, 'demo-reviewer');
    await page.click('.review-tabs button[data-status=approved]');
    await page.locator('section.queue .review-item', { hasText: name }).locator('button').click();
    await page.click('.review-detail button.review-certify');
    await page.waitForSelector('dialog.certify-dialog[open]');
    await page.click('dialog.certify-dialog button.certify-confirm');
    await page.waitForFunction((n) => document.querySelector('.review-detail .msg')?.textContent?.includes(`已认定：${n}`), name, { timeout: 15_000 });
    expect(await page.isVisible('.review-detail .status-certified'), 'the evaluation does not show as certified');
    await page.click('.review-detail button.review-back');
    await page.click('.review-tabs button[data-status=approved]');
    expect((await page.locator('section.queue .review-item', { hasText: name }).count()) === 0, 'the certified evaluation is still waiting for certification');
    await shot('05-review');
    await loginAs(page, 'demo-admin');
  });

  test('resident view: tap the map, see the isochrone and the nearby list', async () => {
    await page.goto(`${base}/${at}#/`);
    await mapReady();
    await page.waitForTimeout(800);
    const box = await page.locator('.map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('.panel .summary, .panel .msg-error', { timeout: 30_000 });
    const err = await page.locator('.panel .msg-error').allTextContents();
    expect(err.length === 0, `errors: ${err.join(' | ')}`);
    await page.waitForSelector('.panel ol.results li', { timeout: 15_000 });
    await page.waitForTimeout(1000);
    await shot('06-resident-isochrone');
  });

  test('mobile layout: map and panel fit a 390x844 screen', async () => {
    const m = await context.newPage();
    await m.setViewportSize({ width: 390, height: 844 });
    await m.goto(`${base}/${at}#/`);
    await mapReady(m);
    const box = await m.locator('.map').boundingBox();
    await m.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await m.waitForSelector('.panel .summary, .panel .msg-error', { timeout: 30_000 });
    await m.waitForTimeout(1000);
    const panel = await m.locator('.panel').boundingBox();
    expect(box.height > 200 && panel.height > 150, `map ${box.height}px, panel ${panel.height}px high`);
    const overflow = await m.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await shot('07-resident-mobile', m);
    await m.close();
  });

  test('resident on a phone: the first result is in view after a tap, hours in Chinese', async () => {
    const m = await context.newPage();
    await m.setViewportSize({ width: 390, height: 844 });
    await m.goto(`${base}/${at}#/`);
    await mapReady(m);
    await m.waitForTimeout(800);
    const attributionOpen = await m.locator('.maplibregl-ctrl-attrib.maplibregl-compact-show').count();
    expect(attributionOpen === 0, 'the attribution covers the map on a phone');
    const box = await m.locator('.map').boundingBox();
    expect(box.height >= 844 * 0.4, `the map is only ${box.height}px high`);
    await m.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await m.waitForSelector('.panel ol.results > li', { timeout: 30_000 });
    await m.waitForTimeout(800);
    const first = await m.locator('.panel ol.results > li').first().boundingBox();
    const scrolled = await m.evaluate(() => ({ page: scrollY, panel: document.querySelector('.panel').scrollTop }));
    expect(scrolled.page === 0 && scrolled.panel === 0, `scrolled: ${JSON.stringify(scrolled)}`);
    expect(first.y >= 0 && first.y + first.height <= 844, `the first result is at ${Math.round(first.y)}–${Math.round(first.y + first.height)}px of 844`);
    const text = await m.locator('.panel ol.results > li').first().textContent();
    const hours = await m.locator('.panel ol.results .outlet-hours').allTextContents();
    expect(hours.length > 0 && hours.every((h) => !rawHours.test(h)), `raw hours: ${hours.find((h) => rawHours.test(h))}`);
    expect(hours.some((h) => chineseHours.test(h)) && hours.some((h) => /营业中|已打烊/.test(h)), `hours: ${hours.slice(0, 3).join(' | ')}`);
    expect(!text.includes('接入步行网络'), 'the summary still says 接入步行网络');
    // Tap targets on a phone are at least 44 px.
    const small = await m.evaluate(() =>
      [...document.querySelectorAll('.panel button, .panel summary, .top a, .top button, .maplibregl-ctrl button')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ el: el.className || el.textContent.trim(), r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && (r.height < 43.5 || r.width < 43.5))
        .map(({ el, r }) => `${el} ${Math.round(r.width)}x${Math.round(r.height)}`),
    );
    expect(small.length === 0, `small tap targets: ${small.slice(0, 5).join(', ')}`);
    // Keyboard: a focused list item is picked with Enter, and the popup shows it.
    await m.locator('.panel ol.results > li').nth(1).locator('button.result').focus();
    await m.keyboard.press('Enter');
    await m.waitForSelector('.panel ol.results > li.selected', { timeout: 5_000 });
    const picked = await m.locator('.panel ol.results > li').nth(1).getAttribute('class');
    expect(picked?.includes('selected'), 'Enter did not pick the focused item');
    await m.locator('.panel ol.results > li').first().locator('button.result').focus();
    await m.keyboard.press(' ');
    await m.waitForFunction(() => document.querySelector('.panel ol.results > li')?.classList.contains('selected'), null, { timeout: 5_000 });
    await shot('18-resident-phone-first-result', m);
    await axeCheck(m, 'resident (phone)');
    await m.close();
  });

  test('district: a circle clicked on the map is selected in the list; a row picked with the keyboard', async () => {
    // A fresh load, so the map starts centred on the circle named in the address.
    await page.goto('about:blank');
    await page.goto(`${base}/${at}#/circles`);
    await page.waitForSelector('table.circles tbody tr', { timeout: 15_000 });
    await mapReady();
    await page.waitForTimeout(1200);
    const box = await page.locator('.map').boundingBox();
    // The map is centred on a circle's centre.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('table.circles tr.selected', { timeout: 10_000 });
    const row = page.locator('table.circles tr.selected');
    expect((await row.getAttribute('aria-current')) === 'true', 'the selected row is not marked current');
    const name = (await row.locator('td').first().textContent()).trim();
    await page.waitForSelector('section.preview h3', { timeout: 10_000 });
    expect((await page.textContent('section.preview h3')).includes(name), `the map click opened another circle than ${name}`);
    expect(!(await page.isVisible('section.register form')), 'a map click opened the register form');
    expect((await page.textContent('.map-legend')).includes('服务社区'), 'no legend for the served-community shading');
    // Keyboard: a focused row is picked with Enter.
    const other = page.locator('table.circles tbody tr:not(.selected)').first();
    const otherName = (await other.locator('td').first().textContent()).trim();
    await other.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('table.circles tr.selected td')?.textContent?.trim() === n, otherName, { timeout: 10_000 });
    await page.waitForSelector('.circle-coverage table.served tbody tr', { timeout: 20_000 });
    await page.waitForTimeout(800);
    await shot('19-district-map-select');
    // Registering is a mode: only then does a map click place the centre.
    await page.click('button.register-start');
    await page.click('section.register button[type=submit]');
    const errors = await page.locator('section.register .field-error').allTextContents();
    expect(errors.some((e) => e.includes('请填写')) && errors.some((e) => e.includes('地图上点击')), `register form checks: ${errors.join(' | ')}`);
    await page.mouse.click(box.x + box.width / 2 + 30, box.y + box.height / 2 + 30);
    expect((await page.textContent('section.register .center')).match(/\d+\.\d{5}/), 'the map click placed no centre');
    await page.click('button.register-cancel');
    await axeCheck(page, 'district / reviewer');
  });

  test('accessibility: resident, planner and progress views have no serious axe violations', async () => {
    await page.goto(`${base}/${at}#/`);
    await mapReady();
    await page.waitForTimeout(800);
    const box = await page.locator('.map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('.panel ol.results li', { timeout: 30_000 });
    await axeCheck(page, 'resident');
    await page.goto(`${base}/${at}#/planner`);
    await page.waitForSelector('fieldset[data-layer=circles] .count', { timeout: 15_000 });
    await page.waitForTimeout(800);
    await axeCheck(page, 'planner');
    await page.goto(`${base}/#/progress`);
    await page.waitForSelector('.cards .bar', { timeout: 15_000 });
    await axeCheck(page, 'progress');
  });

  test('progress dashboard: targets to date, per year and district, Excel download', async () => {
    await page.goto(`${base}/#/progress`);
    await page.waitForSelector('.cards .bar', { timeout: 15_000 });
    const cards = await page.textContent('.cards');
    expect(cards.includes('120'), `no target of 120 circles: ${cards}`);
    expect(cards.includes('60'), `no target of 60 high-quality circles: ${cards}`);
    const years = await page.locator('table.progress-years tbody tr').count();
    expect(years === 3, `${years} year rows`);
    const districts = await page.locator('table.progress-districts tbody tr').count();
    expect(districts >= 3, `${districts} district rows`);
    const href = await page.getAttribute('a.download', 'href');
    const xlsx = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return { status: r.status, type: r.headers.get('Content-Type'), size: (await r.arrayBuffer()).byteLength };
    }, href);
    expect(xlsx.status === 200 && xlsx.type.includes('spreadsheet') && xlsx.size > 1000, `progress.xlsx: ${JSON.stringify(xlsx)}`);
    await shot('08-progress');
  });

  test('planner: outlets from vector tiles, outlet popup, community coverage', async () => {
    const outletRequests = [];
    const onRequest = (r) => {
      if (r.url().includes('/tiles/outlets') || r.url().includes('/api/v1/outlets?')) outletRequests.push(new URL(r.url()).pathname);
    };
    page.on('request', onRequest);
    await page.goto(`${base}/${at}#/planner`);
    await mapReady();
    await page.waitForFunction(() => Number(document.querySelector('fieldset[data-layer=outlets] .count')?.textContent?.replace(/\D/g, '')) > 0, null, { timeout: 20_000 });
    page.off('request', onRequest);
    expect(outletRequests.some((u) => u.endsWith('.mvt')), `no outlet tiles requested: ${outletRequests.join(' ')}`);
    expect(!outletRequests.includes('/api/v1/outlets'), 'the planner still asks for the outlets as GeoJSON');
    const box = await page.locator('.map').boundingBox();
    // The nearest outlet to the centre, clicked where the map draws it.
    const near = await (await fetch(`${base}/api/v1/nearby?lon=${centre[0]}&lat=${centre[1]}&minutes=5`)).json();
    const o = near.outlets[0];
    expect(o, 'no outlet near the centre');
    const [ox, oy] = pixel(box, centre, 15, o.lon, o.lat);
    await page.mouse.click(ox, oy);
    await page.waitForSelector('.maplibregl-popup .outlet-popup', { timeout: 10_000 });
    const popup = await page.textContent('.maplibregl-popup .outlet-popup');
    expect(popup.includes(o.name), `popup shows ${popup}, not ${o.name}`);
    // A community clicked with the outlets hidden shows its coverage.
    await page.uncheck('fieldset[data-layer=outlets] input[type=checkbox]');
    await page.uncheck('fieldset[data-layer=circles] input[type=checkbox]');
    const communities = await (await fetch(`${base}/api/v1/communities`)).json();
    const inView = communities.features.find((f) => {
      const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
      const [cx, cy] = ring.reduce((a, p) => [a[0] + p[0] / ring.length, a[1] + p[1] / ring.length], [0, 0]);
      const [px, py] = pixel(box, centre, 15, cx, cy);
      f.at = [px, py];
      return px > box.x + 40 && px < box.x + box.width - 60 && py > box.y + 40 && py < box.y + box.height - 40;
    });
    expect(inView, 'no community in view');
    await page.mouse.click(inView.at[0], inView.at[1]);
    await page.waitForSelector('.coverage table.coverage-table tbody tr', { timeout: 15_000 });
    const title = await page.textContent('.coverage h3');
    expect(title.includes(inView.properties.name), `coverage of ${title}, clicked ${inView.properties.name}`);
    const rows = await page.locator('.coverage table.coverage-table tbody tr').count();
    expect(rows >= 13, `${rows} categories in the coverage table`);
    await page.waitForSelector('.maplibregl-popup .coverage-popup', { timeout: 10_000 });
    await page.check('fieldset[data-layer=outlets] input[type=checkbox]');
    await page.check('fieldset[data-layer=circles] input[type=checkbox]');
    await page.waitForTimeout(800);
    await shot('09-planner-coverage');
  });

  test('planner: suggested sites for the gap category, then what if one opened', async () => {
    await page.click('details[data-tool=suggest] summary');
    await page.selectOption('fieldset[data-layer=access] select', 'housekeeping');
    await page.click('details[data-tool=suggest] button.run-suggest');
    await page.waitForSelector('details[data-tool=suggest] ol.sites li, details[data-tool=suggest] .msg-error', { timeout: 60_000 });
    const sites = await page.locator('details[data-tool=suggest] ol.sites li').count();
    expect(sites === 5, `${sites} suggested sites`);
    expect((await page.locator('.site-marker').count()) === 5, 'not 5 numbered markers');
    const first = number(await page.textContent('ol.sites li[data-rank="1"] > span:nth-child(2)'));
    const last = number(await page.textContent('ol.sites li[data-rank="5"] > span:nth-child(2)'));
    expect(first > 0 && first >= last, `site 1 adds ${first}, site 5 adds ${last}`);
    await page.waitForTimeout(800);
    await shot('10-planner-suggest');

    await page.locator('ol.sites li[data-rank="1"] button').click();
    await page.waitForSelector('details[data-tool=scenario][open] .scenario-sites li.add');
    // A second hypothetical outlet placed by clicking the map.
    await page.click('details[data-tool=scenario] button[data-mode=add]');
    // Beside suggested site 2, which lies on the walking network.
    const site2 = await page.locator('.site-marker', { hasText: /^2$/ }).boundingBox();
    await page.mouse.click(site2.x + site2.width + 4, site2.y + site2.height / 2);
    expect((await page.locator('.scenario-sites li.add').count()) === 2, 'the map click placed no outlet');
    await page.click('details[data-tool=scenario] button[data-mode=add]');
    await page.click('details[data-tool=scenario] button.run-scenario');
    await page.waitForSelector('.scenario-result, details[data-tool=scenario] .msg-error', { timeout: 30_000 });
    expect(await page.isVisible('.scenario-result'), `what if: ${await page.textContent('details[data-tool=scenario]')}`);
    const total = number(await page.textContent('.scenario-result .score'));
    expect(total >= first, `the what-if covers ${total} more residents, the suggestion said ${first}`);
    const changed = await page.locator('.scenario-table tbody tr.gain').count();
    expect(changed > 0, 'no community gains coverage');
    await shot('11-planner-whatif');
  });

  test('planner: a walking area in 5, 10 and 15-minute bands, named in the legend', async () => {
    await page.click('details[data-tool=walk] summary');
    await page.click('details[data-tool=walk] button.pick-walk');
    // Beside suggested site 1, which lies on the walking network.
    const site = await page.locator('.site-marker', { hasText: /^1$/ }).boundingBox();
    await page.mouse.click(site.x + site.width + 4, site.y + site.height / 2);
    await page.waitForSelector('details[data-tool=walk] .walk-area, details[data-tool=walk] .msg-error', { timeout: 30_000 });
    expect(await page.isVisible('details[data-tool=walk] .walk-area'), `walking area: ${await page.textContent('details[data-tool=walk]')}`);
    const bands = await page.locator('.map-legend [data-legend=bands] li').allTextContents();
    expect(bands.join(' ') === '0–5 分钟 5–10 分钟 10–15 分钟', `bands in the legend: ${bands.join(' | ')}`);
    await page.click('details[data-tool=walk] button.pick-walk');
    await page.waitForTimeout(600);
    await shot('20-planner-walk-bands');
  });

  test('planner: outlet register import checks first, then imports', async () => {
    const csv = join(tmp, '网点台账.csv');
    writeFileSync(csv, '名称,类别,经度,纬度,编号\n测试便利店,convenience_store,116.5900,35.4100,t-1\n测试站,spaceport,116.59,35.41,t-2\n坏坐标,便利店,116.59,abc,t-3\n');
    await page.click('details[data-tool=import] summary');
    await page.setInputFiles('details[data-tool=import] input[type=file]', csv);
    expect(await page.isDisabled('details[data-tool=import] button.run-import'), 'import allowed before a check');
    await page.click('details[data-tool=import] button.dry-run');
    const crsRequired = await page.evaluate(() => document.querySelector('.import-form select[name=crs]').validity.valueMissing);
    expect(crsRequired, 'the coordinate system is not required');
    await page.selectOption('details[data-tool=import] select[name=crs]', 'gcj02');
    await page.click('details[data-tool=import] button.dry-run');
    await page.waitForFunction(() => /检查结果|失败|错误/.test(document.querySelector('.import-result')?.textContent ?? ''), null, { timeout: 15_000 });
    const checked = await page.textContent('.import-result .msg');
    expect(checked.includes('可导入 1 行') && checked.includes('拒绝 2 行'), `dry run: ${checked}`);
    const rejected = await page.locator('.import-result table.rejections tbody tr').allTextContents();
    expect(rejected.length === 2 && rejected[0].startsWith('3category') && rejected[1].startsWith('4lat'), `rejections: ${rejected.join(' | ')}`);
    await page.click('details[data-tool=import] button.run-import');
    await page.waitForFunction(() => document.querySelector('.import-result .msg')?.textContent?.includes('已导入'), null, { timeout: 15_000 });
    const done = await page.textContent('.import-result .msg');
    expect(done.includes('新增 1'), `import: ${done}`);
    await shot('12-planner-import');
  });

  test('district view: a circle\'s walking area, served communities, outlets, report and evidence', async () => {
    await page.goto(`${base}/${at}#/circles`);
    await page.waitForSelector('table.circles tbody tr', { timeout: 15_000 });
    await page.click('table.circles tbody tr:first-child button');
    await page.waitForSelector('.circle-coverage table.served tbody tr', { timeout: 20_000 });
    const served = await page.locator('.circle-coverage table.served tbody tr').count();
    expect(served > 0, 'no served communities');
    expect((await page.locator('.circle-coverage .circle-outlets dt').count()) > 3, 'few outlet categories inside the circle');
    await page.waitForSelector('.evaluation-files .start-draft, .evaluation-files .stored', { timeout: 20_000 });
    if (await page.isVisible('.evaluation-files .start-draft')) await page.click('.evaluation-files .start-draft');
    await page.waitForSelector('.evaluation-files .stored a.download', { timeout: 15_000 });
    const report = await page.getAttribute('.evaluation-files .stored a.download', 'href');
    const xlsx = await page.evaluate(async (u) => (await fetch(u)).status, report);
    expect(xlsx === 200, `report.xlsx answered ${xlsx}`);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.setInputFiles('.evidence-form input[type=file]', { name: '满意度调查.png', mimeType: 'image/png', buffer: png });
    await page.fill('.evidence-form input[name=note]', '2023 年居民满意度调查');
    await page.click('.evidence-form button[type=submit]');
    await page.waitForSelector('.evidence-list li', { timeout: 15_000 });
    const listed = await page.textContent('.evidence-list');
    expect(listed.includes('满意度调查'), `evidence: ${listed}`);
    await page.locator('.circle-coverage').scrollIntoViewIfNeeded();
    await page.waitForTimeout(800);
    await shot('13-circle-coverage');
  });

  test('resident: elderly pace asks for 750 m; rate an outlet', async () => {
    await page.goto(`${base}/${at}#/`);
    await mapReady();
    await page.waitForTimeout(800);
    const box = await page.locator('.map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('.panel ol.results li', { timeout: 30_000 });
    const normal = await page.locator('.panel ol.results > li').count();
    expect((await page.textContent('.summary .budget')).includes('1.0 公里'), 'the budget is not 1 km at the usual pace');
    await page.check('input[name=elderly]');
    await page.waitForFunction(() => document.querySelector('.summary .budget')?.textContent?.includes('750 米'), null, { timeout: 30_000 });
    await page.waitForSelector('.panel ol.results li', { timeout: 15_000 });
    const slow = await page.locator('.panel ol.results > li').count();
    expect(slow <= normal, `${slow} outlets at the elderly pace, ${normal} at the usual one`);
    await page.locator('.panel ol.results > li').first().locator('button.feedback-open').click();
    await page.click('.feedback-form .star:nth-of-type(4)');
    await page.click('.feedback-form button[type=submit]');
    await page.waitForSelector('.feedback .msg', { timeout: 10_000 });
    const thanks = await page.textContent('.feedback .msg');
    expect(thanks.includes('感谢'), `feedback: ${thanks}`);
    await shot('14-resident-elderly-feedback');
  });

  test('phone layout of the new views: progress, planner tools, feedback form', async () => {
    const m = await context.newPage();
    await m.setViewportSize({ width: 390, height: 844 });
    for (const [hash, name, ready] of [
      ['#/progress', '15-progress-mobile', '.cards .bar'],
      ['#/planner', '16-planner-mobile', 'fieldset[data-layer=communities] .count'],
      ['#/circles', '17-circles-mobile', 'table.circles tbody tr'],
    ]) {
      await m.goto(`${base}/${at}${hash}`);
      await m.waitForSelector(ready, { timeout: 20_000 });
      if (hash === '#/planner') await m.click('details[data-tool=scenario] summary');
      if (hash === '#/circles') {
        await m.click('table.circles tbody tr:first-child button');
        await m.waitForSelector('.circle-coverage table.served tbody tr', { timeout: 20_000 });
      }
      await m.waitForTimeout(800);
      const overflow = await m.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      expect(overflow <= 0, `${hash} is ${overflow}px wider than the screen`);
      await shot(name, m);
    }
    await m.close();
  });

  // The reviewer's workspace on a 1440x900 screen, then on a phone.
  let rp = null;
  test('reviewer: the queue first, oldest first, counted per district', async () => {
    rp = await watched(1440, 900);
    await loginAs(rp, 'demo-reviewer');
    await rp.waitForSelector('section.queue .review-list .review-item', { timeout: 20_000 });
    expect((await rp.getAttribute('.review-tabs button[data-status=submitted]', 'aria-pressed')) === 'true', 'the queue does not open on the submitted evaluations');
    const shown = await rp.locator('section.queue .review-item').evaluateAll((els) => els.map((e) => Number(e.dataset.evaluation)));
    const want = await rp.evaluate(async () => {
      const es = await (await fetch('/api/v1/evaluations?status=submitted')).json();
      return es.sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id).map((e) => e.id);
    });
    expect(shown.length >= 3 && JSON.stringify(shown) === JSON.stringify(want), `queue ${shown.join(',')}, want oldest first ${want.join(',')}`);
    const counts = await rp.textContent('section.queue .district-counts');
    expect(counts.includes('任城区') && counts.includes('兖州区'), `counts per district: ${counts}`);
    for (const s of ['approved', 'returned', 'certified']) {
      const n = number(await rp.textContent(`.review-tabs button[data-status=${s}] .tab-count`));
      expect(n >= 2, `${n} ${s} evaluations in the demo`);
    }
    await rp.waitForTimeout(600);
    await shot('21-review-queue', rp);
  });

  test('reviewer: an item opens its map, submitted values, evidence in place and history; a return needs a reason', async () => {
    const first = rp.locator('section.queue .review-item').first();
    const name = (await first.locator('.review-name').textContent()).trim();
    await first.locator('button').click();
    await rp.waitForSelector('.review-detail .review-history li', { timeout: 20_000 });
    expect((await rp.textContent('.review-detail h3')).includes(name), `opened another item than ${name}`);
    await rp.waitForSelector('.circle-coverage table.served tbody tr', { timeout: 20_000 });
    expect((await rp.textContent('.map-legend')).includes('选中生活圈的步行范围'), 'the map does not show the walking area');
    expect((await rp.locator('.review-detail table.submitted-values tr').count()) === 6, 'not six submitted values');
    expect((await rp.textContent('.review-detail table.submitted-values')).includes('居民满意度'), 'no satisfaction value');
    await rp.waitForSelector('.review-detail tr.evidence-row img.evidence-image', { timeout: 10_000 });
    await rp.waitForFunction(() => [...document.querySelectorAll('img.evidence-image')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 10_000 });
    await rp.waitForSelector('.review-detail tr.evidence-row iframe.evidence-frame', { timeout: 10_000 });
    const frame = await rp.getAttribute('.review-detail iframe.evidence-frame', 'src');
    expect(frame.startsWith('blob:'), `the PDF frame shows ${frame}`);
    const rows = await rp.locator('.review-detail tr.evidence-row').evaluateAll((els) => els.map((e) => e.dataset.indicator));
    expect(['E1', 'E2', 'E3'].every((i) => rows.includes(i)), `evidence under indicators ${rows.join(',')}`);
    const history = await rp.locator('.review-detail .review-history li').allTextContents();
    expect(history.length >= 5 && history.some((h) => h.includes('演示数据 demo')), `history: ${history.join(' | ')}`);
    await rp.waitForTimeout(1000);
    await shot('22-review-item', rp);
    await rp.locator('.review-detail tr.evidence-row').first().scrollIntoViewIfNeeded();
    await rp.waitForTimeout(800);
    await shot('23-review-evidence', rp);
    await rp.locator('.review-detail figure.evidence-pdf button.evidence-zoom').first().click();
    await rp.waitForSelector('dialog.evidence-viewer[open] iframe', { timeout: 10_000 });
    await rp.waitForTimeout(3000);
    await shot('24-review-evidence-viewer', rp);
    await rp.click('dialog.evidence-viewer button.viewer-close');
    // The dialog leaves the page on its close event, which the browser
    // dispatches as a task after close() returns.
    await rp.waitForSelector('dialog.evidence-viewer', { state: 'detached', timeout: 5_000 }).catch(() => {});
    expect(!(await rp.locator('dialog.evidence-viewer').count()), 'the viewer did not close');
    await rp.click('.review-detail button.review-return');
    await rp.waitForSelector('.review-decision .field-error');
    const why = await rp.textContent('.review-decision .field-error');
    expect(why.includes('退回时请写明原因'), `return without a reason: ${why}`);
    expect((await rp.getAttribute('.review-decision textarea[name=comment]', 'aria-invalid')) === 'true', 'the reason field is not marked');
    expect(await rp.isVisible('.review-detail .status-submitted'), 'a return without a reason went through');
    await axeCheck(rp, 'reviewer workspace');
  });

  test('admin certifies what the reviewer approved, after a dialog stating tier, total and the award the scheme allows', async () => {
    await loginAs(rp, 'demo-admin');
    await rp.click('.review-tabs button[data-status=approved]');
    const item = rp.locator('section.queue .review-item', { hasText: '高品质' }).first();
    const name = (await item.locator('.review-name').textContent()).trim();
    await item.locator('button').click();
    await rp.waitForSelector('.review-detail button.review-certify', { timeout: 20_000 });
    const total = (await rp.textContent('.review-detail .score')).match(/[\d.]+ \/ 100/)?.[0];
    await rp.fill('.review-decision textarea[name=comment]', '现场核查属实，同意认定');
    await rp.click('.review-detail button.review-certify');
    await rp.waitForSelector('dialog.certify-dialog[open]');
    // What the scheme allows: its cap for a high-quality circle of an award year, certified (when the scheme
    // says so) within an award year; 0 otherwise.
    const allowed = await rp.evaluate(async (id) => {
      const ev = await (await fetch(`/api/v1/evaluations/${id}`)).json();
      const a = (await (await fetch(`/api/v1/schemes/${ev.scheme}`)).json()).document.award;
      const inYear = !a.must_be_certified_in_year || a.years.includes(new Date().getFullYear());
      return ev.tier === a.tier && a.years.includes(ev.year) && inYear && ev.result?.award?.eligible !== false ? a.cap_yuan : 0;
    }, Number(await rp.getAttribute('.review-detail', 'data-evaluation')));
    const yuan = `¥${allowed.toLocaleString('en-US')}`;
    const award = await rp.inputValue('dialog.certify-dialog input[name=award_yuan]');
    expect(award === String(allowed), `award filled in as ${award}, the scheme allows ${allowed}`);
    const said = await rp.textContent('dialog.certify-dialog .certify-statement');
    expect(said.includes(name) && said.includes('高品质') && said.includes(yuan) && total && said.includes(total), `dialog says ${said} (total ${total})`);
    await rp.waitForTimeout(300);
    await shot('25-review-certify-dialog', rp);
    await axeCheck(rp, 'certify dialog');
    await rp.fill('dialog.certify-dialog input[name=award_yuan]', String(allowed + 1));
    await rp.click('dialog.certify-dialog button.certify-confirm');
    const over = await rp.textContent('dialog.certify-dialog .field-error');
    expect(over.includes(String(allowed)), `an award above what the scheme allows: ${over}`);
    await rp.fill('dialog.certify-dialog input[name=award_yuan]', String(allowed));
    await rp.click('dialog.certify-dialog button.certify-confirm');
    await rp.waitForFunction((n) => document.querySelector('.review-detail .msg')?.textContent?.includes(`已认定：${n}`), name, { timeout: 15_000 });
    expect(!(await rp.isVisible('dialog.certify-dialog')), 'the dialog is still open');
    expect((await rp.textContent('.review-detail .certified-award')).includes(yuan), `the certified evaluation does not show its award of ${yuan}`);
    // The item shows its earlier history at once and the fresh one when it
    // has been fetched again.
    await rp.waitForFunction(() => [...document.querySelectorAll('.review-detail .review-history li')].pop()?.textContent?.includes('demo-admin'), null, { timeout: 10_000 }).catch(() => {});
    const last = await rp.locator('.review-detail .review-history li').last().textContent();
    expect(last.includes('demo-admin') && last.includes('现场核查属实'), `last event: ${last}`);
    await rp.waitForTimeout(600);
    await shot('26-review-certified', rp);
  });

  test('district: a refused evidence file is explained next to its field, in Chinese, and in English after a switch', async () => {
    await loginAs(rp, 'demo-rencheng');
    const returned = await rp.evaluate(async () => (await (await fetch('/api/v1/evaluations?status=returned')).json())[0]);
    expect(returned, 'no returned evaluation for demo-rencheng');
    await rp.waitForSelector(`table.circles tr[data-circle="${returned.circle_id}"]`, { timeout: 15_000 });
    await rp.click(`table.circles tr[data-circle="${returned.circle_id}"] button`);
    await rp.waitForSelector('.evaluation-files .evidence-form input[type=file]', { timeout: 20_000 });
    const upload = async () => {
      await rp.setInputFiles('.evidence-form input[type=file]', { name: '满意度调查.pdf', mimeType: 'application/pdf', buffer: Buffer.from('这不是 PDF，只是一段文字。\n') });
      await rp.click('.evidence-form button[type=submit]');
      await rp.waitForSelector('.evidence-form .field-error', { timeout: 15_000 });
      return rp.evaluate(() => {
        const input = document.querySelector('.evidence-form input[type=file]');
        const note = document.querySelector('.evidence-form .field-error');
        return { text: note.textContent, linked: (input.getAttribute('aria-describedby') ?? '').split(' ').includes(note.id), beside: input.closest('label').nextElementSibling === note };
      });
    };
    const zh = await upload();
    expect(zh.text.includes('佐证材料须为 PDF、JPEG 或 PNG') && zh.linked && zh.beside, `Chinese: ${JSON.stringify(zh)}`);
    await rp.locator('.evidence-form').scrollIntoViewIfNeeded();
    await rp.waitForTimeout(500);
    await shot('27-district-error-zh', rp);
    await rp.getByRole('button', { name: 'English' }).click();
    const en = await upload();
    expect(en.text.includes('evidence must be a PDF, JPEG or PNG') && en.linked, `English: ${JSON.stringify(en)}`);
    await rp.getByRole('button', { name: '中文' }).click();
  });

  test('reviewer on a phone: the queue and an opened item fit a 390x844 screen', async () => {
    await rp.close();
    const m = await watched(390, 844);
    await loginAs(m, 'demo-reviewer');
    await m.waitForSelector('section.queue .review-list .review-item', { timeout: 20_000 });
    await m.waitForTimeout(600);
    let overflow = await m.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow <= 0, `the queue is ${overflow}px wider than the screen`);
    await shot('28-review-phone-queue', m);
    await m.locator('section.queue .review-item button').first().click();
    await m.waitForSelector('.review-detail .review-history li', { timeout: 20_000 });
    await m.waitForSelector('.review-detail img.evidence-image', { timeout: 10_000 });
    await m.waitForTimeout(800);
    overflow = await m.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow <= 0, `the item is ${overflow}px wider than the screen`);
    await shot('29-review-phone-item', m);
    await axeCheck(m, 'reviewer workspace (phone)');
    await m.close();
  });

  test('no page errors and no requests leave the server', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
    expect(foreign.length === 0, `requests elsewhere: ${foreign.slice(0, 5).join(' ')}`);
  });

  test('planner: the gap layer of the whole city at the opening zoom, then all of 任城区 with labels', async () => {
    const p = await context.newPage();
    const errors = [];
    const badTiles = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('response', (r) => {
      if (r.url().includes('/tiles/access') && r.status() >= 400) badTiles.push(`${r.status()} ${r.url()}`);
    });
    // No place in the URL: the planner opens on all of its communities.
    await p.goto(`${base}/#/planner`);
    await mapReady(p);
    await p.waitForSelector('fieldset[data-layer=communities] .count', { timeout: 20_000 });
    const marks = await p.evaluate(() =>
      Object.fromEntries(['qh-map-created', 'qh-map-styled', 'qh-first-map'].map((n) => [n, Math.round(performance.getEntriesByName(n)[0]?.startTime ?? -1)])),
    );
    console.log(`     first map with data ${marks['qh-first-map']} ms after navigation (map made at ${marks['qh-map-created']} ms, style in at ${marks['qh-map-styled']} ms)`);
    await p.check('fieldset[data-layer=access] input[type=checkbox]');
    await p.waitForFunction(() => Number(document.querySelector('fieldset[data-layer=access] .count')?.textContent?.replace(/\D/g, '')) > 0 || document.querySelector('fieldset[data-layer=access] .msg'), null, { timeout: 30_000 });
    const msg = await p.locator('fieldset[data-layer=access] .msg').allTextContents();
    expect(msg.length === 0, `the gap layer says: ${msg.join(' | ')}`);
    expect(!(await p.textContent('fieldset[data-layer=access]')).includes('放大'), 'the gap layer still asks to zoom in');
    const idle = await p.evaluate(() => Math.round(performance.getEntriesByName('qh-map-idle')[0]?.startTime ?? -1));
    console.log(`     map settled at ${idle} ms`);
    // The search box fits the map to the district.
    await p.fill('form.search input', '任城区');
    await p.waitForSelector('form.search li.search-hit', { timeout: 10_000 });
    expect((await p.textContent('form.search li.search-hit')).includes('任城区'), 'the first hit is not 任城区');
    await p.keyboard.press('Enter');
    await p.waitForSelector('.search-popup', { timeout: 10_000 });
    await p.click('.search-popup .maplibregl-popup-close-button');
    await p.click('.map-legend > summary');
    await p.waitForTimeout(4000);
    const cells = Number((await p.textContent('fieldset[data-layer=access] .count')).replace(/\D/g, ''));
    expect(cells > 0, 'no gap cells in view of 任城区');
    expect(badTiles.length === 0, `gap tiles failed: ${badTiles.slice(0, 3).join(' ')}`);
    expect(errors.length === 0, `page errors: ${errors.join(' | ')}`);
    await shot('21-planner-gaps-rencheng', p);
    await p.close();
  });

  test('search box: a community found from any view, the map goes there', async () => {
    const p = await context.newPage();
    await p.goto(`${base}/#/progress`);
    await p.waitForSelector('form.search input');
    await p.fill('form.search input', '北门');
    await p.waitForSelector('form.search li.search-hit', { timeout: 10_000 });
    const options = await p.locator('form.search li.search-hit').allTextContents();
    expect(options.some((o) => o.includes('北门社区') && o.includes('社区')), `options: ${options.join(' | ')}`);
    const i = options.findIndex((o) => o.includes('北门社区'));
    for (let k = 0; k < i; k++) await p.keyboard.press('ArrowDown');
    await p.keyboard.press('Enter');
    await p.waitForSelector('.search-popup', { timeout: 10_000 });
    expect((await p.textContent('.search-popup')).includes('北门社区'), 'the popup does not name 北门社区');
    expect(await p.evaluate(() => location.hash === '#/'), 'the progress view did not give way to the map');
    await p.waitForTimeout(1500);
    // The map went there: the popup sits near the middle of the map.
    const mapBox = await p.locator('.map').boundingBox();
    const pop = await p.locator('.search-popup').boundingBox();
    const dx = pop.x + pop.width / 2 - (mapBox.x + mapBox.width / 2);
    expect(Math.abs(dx) < mapBox.width / 4, `the popup is ${Math.round(dx)} px off the middle of the map`);
    await shot('23-search-community', p);
    await axeCheck(p, 'search');
    await p.close();
  });

  test('base map from a PMTiles file the server reads itself', async () => {
    const file = join(tmp, 'jining-base.pmtiles');
    writeFileSync(file, testBasemap([116.45, 35.25, 116.9, 35.62], 8, 13));
    const port2 = await freePort();
    const base2 = `http://127.0.0.1:${port2}`;
    basemapServer = spawn(bin, ['serve', '--demo', '--addr', `127.0.0.1:${port2}`, '--db', `sqlite:${join(tmp, 'basemap.db')}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, QUARTERHOUR_BASEMAP: `pmtiles:${file}` },
    });
    await waitHealthy(base2, basemapServer);
    const style = await (await fetch(`${base2}/api/v1/map/style.json`)).json();
    expect(style.sources.basemap?.tiles?.[0] === `${base2}/tiles/basemap/{z}/{x}/{y}.png`, `basemap source: ${JSON.stringify(style.sources.basemap)}`);
    const p = await context.newPage();
    const tiles = [];
    const elsewhere = [];
    p.on('response', (r) => {
      if (r.url().includes('/tiles/basemap/')) tiles.push(r.status());
    });
    p.on('request', (r) => {
      if (!r.url().startsWith(base2) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) elsewhere.push(r.url());
    });
    await p.goto(`${base2}/?center=${centre[0]},${centre[1]}&zoom=13#/`);
    await mapReady(p);
    await p.waitForFunction(() => performance.getEntriesByName('qh-map-idle').length > 0, null, { timeout: 30_000 });
    await p.waitForTimeout(800);
    expect(tiles.filter((s) => s === 200).length > 0, `base map tiles: ${tiles.join(' ')}`);
    expect(tiles.every((s) => s === 200 || s === 204), `base map tiles: ${tiles.join(' ')}`);
    expect(elsewhere.length === 0, `requests elsewhere: ${elsewhere.slice(0, 3).join(' ')}`);
    const attribution = await p.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib-inner')?.textContent ?? '');
    expect(attribution.includes('测试底图'), `attribution: ${attribution}`);
    await shot('22-basemap-pmtiles', p);
    await p.close();
  });

  for (const t of tests) {
    const started = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}: ${e.message.split('\n')[0]}`);
      await shot(`fail-${tests.indexOf(t) + 1}`).catch(() => {});
    }
  }
}

let setupError = null;
try {
  await main();
} catch (e) {
  setupError = e;
  console.error(`e2e setup failed: ${e.message}`);
} finally {
  await context?.close().catch(() => {});
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (basemapServer && basemapServer.exitCode === null) basemapServer.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
if (setupError) failed = Math.max(failed, 1);
for (const r of axeReport) console.log(`axe ${r.view}: ${r.serious} serious or critical${r.minor.length ? `; minor: ${r.minor.join(', ')}` : ''}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
