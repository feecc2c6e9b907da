// The audit log (admin): every call through the gateway, newest first, filtered by system and principal, paged.
import { rpc, S } from '../api.js';
import { card, el, fill, form, pretty, problem, table } from '../ui.js';

export async function render(root) {
  const results = el('div');
  const log = card('Audit log', form([
    ['system', 'system', { placeholder: 'any' }],
    ['principal', 'token id', { placeholder: 'any' }],
    ['since', 'since', { type: 'datetime-local' }],
  ], 'Filter', v => load(results, v, '')), results);
  fill(root, el('h1', {}, 'Audit log'), log);
  await load(results, {}, '').catch(e => fill(results, problem(e)));
}

async function load(results, filter, pageToken) {
  const request = { pageSize: 100, pageToken, system: filter.system || '', principal: filter.principal || '' };
  if (filter.since) request.startTime = new Date(filter.since).toISOString();
  const page = await rpc(S.controlplane, 'ListAuditEvents', request);
  fill(results, table(page.events, [
    ['#', e => e.sequence], ['time', e => new Date(e.time).toLocaleString()], ['principal', e => e.principal], ['system', e => e.system],
    ['method', e => e.method.replace(/^keelson\.[a-z]+\.v1\./, '')], ['decision', e => pretty(e.decision, 'DECISION_')],
    ['status', e => e.statusCode], ['detail', e => e.detail], ['µs', e => e.latencyMicros],
  ], 'no events match'),
  page.nextPageToken ? el('button', { onclick: () => load(results, filter, page.nextPageToken).catch(e => results.append(problem(e))) }, 'Older') : null);
}
