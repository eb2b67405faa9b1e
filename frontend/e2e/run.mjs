// Browser tests: build the web app and the Go binary, serve the Jining demo
// on a free port, drive Debian's Chromium with playwright-core, save
// screenshots to test-results/, and print "N passed, N failed".
//
//   npm run e2e                 # everything
//   QH_E2E_SKIP_BUILD=1 npm run e2e   # reuse dist/ as built
//   QH_CHROMIUM=/path/to/chrome npm run e2e

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
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

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

const tmp = mkdtempSync(join(tmpdir(), 'qh-e2e-'));
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
let server = null;
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
    await page.click('details.register summary');
    await page.fill('details.register input[name=name]', name);
    await page.selectOption('details.register select[name=layout]', 'block');
    const box = await page.locator('.map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('details.register fieldset.communities input[type=checkbox]').first().check();
    await page.click('details.register button[type=submit]');
    await page.waitForSelector('details.register .msg', { timeout: 15_000 });
    const created = await page.textContent('details.register .msg');
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
    const item = page.locator('.review-item', { hasText: name });
    await item.getByRole('button', { name: '通过' }).click();
    await page.waitForFunction((n) => document.querySelector('section.queue .msg')?.textContent?.includes(`已通过：${n}`), name, { timeout: 15_000 });
    await item.getByRole('button', { name: '认定' }).click();
    await page.waitForFunction((n) => document.querySelector('section.queue .msg')?.textContent?.includes(`已认定：${n}`), name, { timeout: 15_000 });
    expect((await item.count()) === 0, 'the certified evaluation is still in the queue');
    await shot('05-review');
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

  test('no page errors and no requests leave the server', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
    expect(foreign.length === 0, `requests elsewhere: ${foreign.slice(0, 5).join(' ')}`);
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
  rmSync(tmp, { recursive: true, force: true });
}
if (setupError) failed = Math.max(failed, 1);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
