// ConsoleBrowserTest's browser half: drives the console in headless Chromium as an admin, an operator and a
// viewer, checks each page shows the platform's real data, saves a screenshot of each, and fails on any console
// error the scenario did not provoke. Prints "ok - ..." per check; exits non-zero with the reason on a failure.
//   node console-check.mjs BASE_URL SCREENSHOT_DIR   (tokens in KEELSON_ADMIN / KEELSON_OPERATOR / KEELSON_VIEWER)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, shots] = process.argv.slice(2);
const tokens = { admin: process.env.KEELSON_ADMIN, operator: process.env.KEELSON_OPERATOR, viewer: process.env.KEELSON_VIEWER };
mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.KEELSON_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const problems = [];
const ok = what => console.log(`ok - ${what}`);

/** A signed-out browser context whose console errors are collected (except the HTTP refusals a step expects). */
async function session(who) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.expectedStatus = null;
  page.on('pageerror', e => problems.push(`${who}: page error: ${e.message}`));
  page.on('console', m => {
    if (m.type() !== 'error') return;
    if (page.expectedStatus && m.text().includes(`status of ${page.expectedStatus}`)) return;
    problems.push(`${who}: console error: ${m.text()}`);
  });
  await page.goto(`${base}/console/`);
  return page;
}

async function signIn(page, token) {
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
}

let current = null; // the page being checked, for a screenshot of what it showed when a check failed

async function visit(page, name, waitFor, shot = name, settleMillis = 400) {
  current = page;
  await page.goto(`${base}/console/#/${name}`);
  for (const text of waitFor) await page.getByText(text, { exact: false }).first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(settleMillis); // let live charts gather a few points
  await page.screenshot({ path: `${shots}/${shot}.png`, fullPage: true });
}

try {
  // Sign-in: a wrong token gets a plain message, no stack trace.
  const admin = await session('admin');
  admin.expectedStatus = 401;
  await admin.fill('#token', 'kt_nosuchtoken_secret');
  await admin.click('#sign-in button[type=submit]');
  const refusal = await admin.locator('#sign-in-error').filter({ hasText: 'not valid' }).textContent({ timeout: 15000 });
  if (/Exception|\bat [a-z]+\.[a-z]+\./.test(refusal)) throw new Error(`the sign-in error shows a stack trace: ${refusal}`);
  await admin.screenshot({ path: `${shots}/sign-in.png` });
  ok(`a wrong token is refused in words: "${refusal}"`);
  admin.expectedStatus = null;

  await signIn(admin, tokens.admin);
  await visit(admin, 'overview', ['gpuos', 'wio']);
  for (const system of ['gpuos', 'agentcgroup', 'acrfence', 'sysom', 'schedcp', 'wio']) {
    const card = admin.locator(`[data-system=${system}]`);
    await card.locator('.badge.ok').waitFor({ timeout: 30000 });
    await card.locator('.badge.backend').waitFor({ timeout: 30000 });
  }
  const backends = await admin.locator('.badge.backend').allTextContents();
  await admin.screenshot({ path: `${shots}/overview.png`, fullPage: true });
  ok(`overview: every system serving, backends ${backends.join(', ')}`);

  await visit(admin, 'gpuos', ['cpu-emulated', 'console_add', '#2'], 'gpuos', 4000);
  ok('gpuos: devices, the queue charts and the operator with both versions');
  await admin.getByRole('button', { name: 'Switch to #2' }).click();
  await admin.locator('tr', { hasText: 'console_add' }).getByRole('button', { name: 'Switch to #1' }).waitFor({ timeout: 30000 });
  ok('gpuos: switched console_add to version 2 (the table now offers #1 back)');
  await visit(admin, 'agentcgroup', ['console-s', 'waiting for events'], 'agentcgroup-before');
  await admin.fill('input[name=sessionId]', 'console-s');
  await admin.fill('input[name=argv]', 'echo hello from the console');
  await admin.getByRole('button', { name: 'Run', exact: true }).click();
  await admin.locator('pre.output', { hasText: 'hello from the console' }).waitFor({ timeout: 30000 });
  await admin.getByText('call ended', { exact: false }).first().waitFor({ timeout: 30000 });
  // Trace analysis of the study's high-priority task, uploaded from the page.
  const task = new URL('../../../../agentcgroup/testdata/agentcgroup-traces/paper-scenario/dask__dask-11628/', import.meta.url).pathname;
  await admin.setInputFiles('input[name=resources]', `${task}resources.json`);
  await admin.setInputFiles('input[name=tools]', `${task}tool_calls.json`);
  await admin.getByRole('button', { name: 'Analyse', exact: true }).click();
  await admin.locator('[data-chart^="P95 peak memory per tool"]').waitFor({ timeout: 30000 });
  await admin.getByText('samples kept', { exact: false }).waitFor({ timeout: 30000 });
  await admin.waitForTimeout(1500);
  await admin.screenshot({ path: `${shots}/agentcgroup.png`, fullPage: true });
  ok('agentcgroup: the session, a tool call run from the page with its output streamed, its events live, a trace analysed and charted');
  await visit(admin, 'acrfence', ['console-run', 'REPLAYED', 'superseded']);
  if (await admin.locator('ul.tree li').count() < 2) throw new Error('acrfence: the branch tree shows fewer than 2 branches');
  ok('acrfence: the run\'s branch tree, its effects and decisions, the chain verified');
  await visit(admin, 'sysom', ['llm-console', 'rank 7', 'confidence']);
  ok('sysom: the job, its per-rank heat map and the live diagnosis with evidence');
  const download = admin.waitForEvent('download');
  await admin.getByRole('button', { name: 'Download as Chrome trace' }).click();
  const file = await download;
  if (!file.suggestedFilename().endsWith('.json')) throw new Error(`sysom: download named ${file.suggestedFilename()}`);
  ok(`sysom: Chrome trace downloaded as ${file.suggestedFilename()}`);
  await visit(admin, 'schedcp', ['scx_lavd', 'console-workload']);
  await admin.locator('a', { hasText: /^wl-/ }).first().click();
  await admin.getByText('History of wl-', { exact: false }).waitFor({ timeout: 30000 });
  ok('schedcp: catalogue, active scheduler, workloads and a workload\'s history');
  await visit(admin, 'wio', ['console-crc', '°C'], 'wio-admin', 3000);
  ok('wio: actors and device telemetry');
  await visit(admin, 'tokens', ['console-viewer']);
  // Malformed form input: the field's own message.
  await admin.fill('form.inline input[name=name]', '');
  await admin.fill('form.inline input[name=scopes]', '*');
  admin.expectedStatus = 400;
  await admin.getByRole('button', { name: 'Create', exact: true }).click();
  const fieldError = await admin.locator('.field-error[data-field=name]').filter({ hasText: 'name' }).textContent({ timeout: 15000 });
  admin.expectedStatus = null;
  ok(`tokens: a bad form names the field: "${fieldError}"`);

  // An operator moves an actor: allowed, and (checked by the Java side) audited.
  const operator = await session('operator');
  await signIn(operator, tokens.operator);
  await visit(operator, 'wio', ['console-crc', '°C'], 'wio-operator');
  await operator.locator('tr', { hasText: 'console-crc' }).getByRole('button', { name: 'Move to device' }).click();
  await operator.getByText('console-crc now on the device', { exact: false }).waitFor({ timeout: 30000 });
  await operator.getByText('migration', { exact: false }).first().waitFor({ timeout: 30000 });
  await operator.waitForTimeout(1500);
  await operator.screenshot({ path: `${shots}/wio.png`, fullPage: true });
  ok('operator: moved console-crc to the device; the chart marks the migration');
  if (await operator.locator('nav a[href="#/tokens"]').isVisible()) throw new Error('operator: the tokens page is offered');
  await visit(operator, 'schedcp', ['scx_lavd'], 'schedcp-operator');
  await operator.getByRole('button', { name: 'Verify', exact: true }).click();
  // shortest-job-first starves the long task: the simulation stage's watchdog must say so
  await operator.getByText('scx_console_sjf version', { exact: false }).waitFor({ timeout: 60000 });
  await operator.locator('tr', { hasText: 'simulation' }).filter({ hasText: 'rejected' }).filter({ hasText: 'starvation' }).waitFor();
  await operator.screenshot({ path: `${shots}/schedcp-verified.png`, fullPage: true });
  ok('operator: a scheduler verified stage by stage from the schedcp page (shortest-job-first rejected for starvation)');

  // A viewer sees the same page with the button disabled, and the gateway refuses the call itself.
  const viewer = await session('viewer');
  await signIn(viewer, tokens.viewer);
  await visit(viewer, 'wio', ['console-crc'], 'wio-viewer');
  const button = viewer.locator('tr', { hasText: 'console-crc' }).getByRole('button');
  if (!(await button.isDisabled())) throw new Error('viewer: the move button is enabled');
  viewer.expectedStatus = 403;
  const refused = await viewer.evaluate(async () => {
    const r = await fetch('/console/api/rpc/keelson.wio.v1.WioService/MigrateActor', {
      method: 'POST', headers: { 'X-Keelson-Console': '1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'console-crc', to: 'SIDE_HOST' }),
    });
    return { status: r.status, body: await r.json() };
  });
  viewer.expectedStatus = null;
  if (refused.status !== 403 || refused.body.code !== 'PERMISSION_DENIED') throw new Error(`viewer: migrate answered ${JSON.stringify(refused)}`);
  ok(`viewer: the button is disabled and the gateway refuses the call (${refused.body.message})`);

  await visit(admin, 'audit', ['MigrateActor']);
  await admin.fill('input[name=system]', 'wio');
  await admin.getByRole('button', { name: 'Filter', exact: true }).click();
  await admin.waitForFunction(() => [...document.querySelectorAll('#page tbody tr td:nth-child(4)')].every(td => td.textContent === 'wio'));
  const denied = await admin.locator('tr', { hasText: 'MigrateActor' }).filter({ hasText: 'PERMISSION_DENIED' }).count();
  if (denied < 1) throw new Error('audit: the viewer\'s refused migration is not listed');
  await admin.screenshot({ path: `${shots}/audit.png`, fullPage: true });
  ok('audit: filtered to wio, the operator\'s migration and the viewer\'s refusal are listed');

  if (problems.length) throw new Error(`console errors:\n  ${problems.join('\n  ')}`);
  ok('no console errors');
} catch (e) {
  console.error(`FAILED: ${e.message}`);
  if (current) await current.screenshot({ path: `${shots}/failed.png`, fullPage: true }).catch(() => {});
  if (problems.length) console.error(`also seen:\n  ${problems.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
