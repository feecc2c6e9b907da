// schedcp: the catalogue, the scheduler running now (and what the kernel says of sched_ext), verification
// verdicts of a scheduler under review, and each workload's history.
import { rpc, S } from '../api.js';
import { nodePicker } from '../nodes.js';
import { backend, card, el, fill, fixed, form, problem, table } from '../ui.js';

export async function render(root, ctx) {
  const active = card('Active scheduler');
  const catalogue = card('Catalogue');
  const verify = card('Create and verify a scheduler');
  const workloads = card('Workloads and their history');
  const node = await nodePicker('schedcp', S.schedcp, ctx.rerender);
  fill(root, el('h1', {}, 'schedcp'), node, el('div.grid', {}, active, verify), catalogue, workloads);

  try {
    const c = await rpc(S.schedcp, 'ListSchedulers');
    const r = c.running;
    fill(active.body,
      el('p', {}, 'backend ', el('span.badge.backend', { 'data-backend': c.backend }, backend(c.backend)),
        ` — sched_ext ${c.schedExtSupported ? 'in this kernel' : 'not in this kernel'}${c.schedExtState ? ` (${c.schedExtState})` : ''}`),
      r ? el('p', {}, `${r.schedulerName} ${r.args.join(' ')} — ${r.status}, pid ${r.pid}, ${fixed(r.durationSeconds)} s; `
        + (r.loaded ? 'loaded by the kernel' : 'not loaded (the kernel names no such ops)')) : el('p.empty', {}, 'no scheduler running: the kernel\'s own scheduler is in charge'));
    fill(catalogue.body, table(c.schedulers, [
      ['name', s => s.name], ['production ready', s => (s.productionReady ? 'yes' : 'no')], ['algorithm', s => s.algorithm],
      ['use cases', s => s.useCases.join(', ')], ['description', s => s.description],
    ]));
  } catch (e) {
    fill(active.body, problem(e));
  }

  const verdicts = el('div');
  fill(verify.body, el('p.muted', {}, 'A policy in the simulator\'s language (or BPF C) is checked stage by stage before it is registered.'),
    form([
      ['name', 'name', { value: 'scx_console_sjf' }],
      ['description', 'description', { value: 'shortest job first' }],
      ['sourceCode', 'source', { type: 'textarea', value: 'policy console_sjf\norder by work asc\nslice to-completion\n' }],
    ], 'Verify', async v => {
      const reply = await rpc(S.schedcp, 'CreateAndVerifyScheduler', v);
      fill(verdicts, el('p', {}, `${reply.name} version ${reply.version}: ${reply.accepted ? 'accepted and registered' : 'rejected'}; backend ${backend(reply.backend)}`),
        table(reply.stages || [], [['stage', s => s.stage], ['verdict', s => s.verdict], ['detail', s => s.detail]]));
    }, { disabled: !ctx.can('ROLE_OPERATOR'), note: ctx.can('ROLE_OPERATOR') ? '' : 'needs the operator role' }), verdicts);

  try {
    const w = await rpc(S.schedcp, 'ListWorkloads');
    const history = el('div');
    fill(workloads.body, table(w.workloads, [
      ['workload', x => el('a', { href: '#/schedcp', onclick: async e => {
        e.preventDefault();
        try {
          const h = await rpc(S.schedcp, 'GetWorkloadHistory', { workloadId: x.workloadId });
          fill(history, el('h3', {}, `History of ${x.workloadId}`), table(h.history, [['when', y => y.createdAt], ['scheduler', y => y.schedulerName],
            ['arguments', y => y.args.join(' ')], ['result', y => y.resultDescription],
            ['metrics', y => Object.entries(y.metrics).map(([k, m]) => `${k}=${m}`).join(', ')]], 'no history yet'));
        } catch (err) { fill(history, problem(err)); }
      } }, x.workloadId)],
      ['description', x => x.description], ['updated', x => x.updatedAt],
    ], 'no workloads yet'), history);
  } catch (e) {
    fill(workloads.body, problem(e));
  }
}
