// acrfence: runs with their branch trees, the effect journal (paged), decisions with their reasons, and the
// journal's hash chain verified on demand.
import { rpc, S } from '../api.js';
import { backend, card, el, fill, num, problem, table, time } from '../ui.js';

export async function render(root) {
  const runs = card('Runs');
  const chain = card('Journal chain');
  const detail = el('div');
  fill(root, el('h1', {}, 'acrfence'), el('div.grid', {}, runs, chain), detail);

  const verify = async () => {
    fill(chain.body, el('span.spinner'), ' verifying…');
    try {
      const v = await rpc(S.acrfence, 'VerifyChain');
      fill(chain.body, el(`p.badge.${v.intact ? 'ok' : 'bad'}`, {}, v.intact ? 'intact' : `broken at record ${v.firstBrokenSeq}: ${v.firstBrokenReason}`),
        el('p', {}, `${num(v.records)} records; head ${v.headHash.slice(0, 16)}…; backend ${backend(v.backend)}`),
        el('button', { onclick: verify }, 'Verify again'));
    } catch (e) {
      fill(chain.body, problem(e));
    }
  };

  try {
    const r = await rpc(S.acrfence, 'ListRuns');
    fill(runs.body, table(r.runs, [
      ['run', x => el('a', { href: '#/acrfence', onclick: ev => { ev.preventDefault(); showRun(detail, x); } }, x.runId)],
      ['branches', x => x.branches.length], ['decisions', x => x.decisions.length],
    ], 'no runs yet'), el('p.muted', {}, `backend ${backend(r.backend)}`));
    if (r.runs.length) showRun(detail, r.runs[r.runs.length - 1]);
  } catch (e) {
    fill(runs.body, problem(e));
  }
  await verify();
}

/** The branch tree (children under their parent), the run's effects and its decisions. */
async function showRun(detail, run) {
  const tree = card(`Branches of ${run.runId}`, branchTree(run.branches));
  const effects = card('Effects (journal order)');
  const decisions = card('Decisions', table(run.decisions, [
    ['time', d => time(d.atUnixMillis)], ['branch', d => d.branchId], ['tool', d => d.tool], ['decision', d => d.decision],
    ['prior effect', d => d.priorEffect], ['reason', d => d.reason],
  ], 'every call on this run was simply executed'));
  fill(detail, el('div.grid', {}, tree, decisions), effects);
  await effectPage(effects, run.runId, '');
}

function branchTree(branches) {
  const children = parent => branches.filter(b => b.parentBranchId === parent);
  const item = b => el('li', { 'data-branch': b.branchId },
    el(`span.branch${b.superseded ? '.superseded' : '.live'}`, {}, `${b.branchId} · ${b.kind} · epoch ${num(b.epoch)}`),
    b.restoredFrom ? ` from checkpoint ${b.restoredFrom}` : '', b.superseded ? ' (superseded: fenced off)' : ' (live)',
    b.shadowEffects.length ? el('span.muted', {}, ` shadow: ${b.shadowEffects.join(', ')}`) : '',
    children(b.branchId).length ? el('ul', {}, children(b.branchId).map(item)) : null);
  return el('ul.tree', {}, children('').map(item));
}

async function effectPage(effects, runId, pageToken) {
  try {
    const page = await rpc(S.acrfence, 'ListEffects', { runId, pageSize: 50, pageToken });
    fill(effects.body, table(page.effects, [
      ['time', e => time(e.atUnixMillis)], ['effect', e => e.effectId], ['branch', e => e.branchId], ['tool', e => e.tool],
      ['status', e => e.status], ['arguments', e => el('code', {}, e.argumentsJson)], ['result', e => el('code', {}, e.resultJson || e.error)],
    ], 'no effects on this run'),
    page.nextPageToken ? el('button', { onclick: () => effectPage(effects, runId, page.nextPageToken) }, 'Next page') : null);
  } catch (e) {
    fill(effects.body, problem(e));
  }
}
