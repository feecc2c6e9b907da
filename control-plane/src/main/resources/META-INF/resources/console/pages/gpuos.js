// gpuos: devices, queue depth and launches/s over time, operators with their versions; switch and rollback.
import { rpc, S, watch } from '../api.js';
import { backend, bytes, card, el, fill, fixed, liveChart, num, problem, table } from '../ui.js';

export async function render(root, ctx) {
  const devices = card('Devices');
  const queue = card('Queue');
  const operators = card('Operators');
  fill(root, el('h1', {}, 'gpuos'), devices, queue, operators);

  try {
    const d = await rpc(S.gpuos, 'ListDevices');
    fill(devices.body,
      el('p', {}, 'backend ', el('span.badge.backend', { 'data-backend': d.backend }, backend(d.backend)), ` — CUDA probe: ${d.cudaProbe}`),
      table(d.devices, [['#', x => x.index], ['name', x => x.name], ['backend', x => backend(x.backend)], ['capability', x => x.capability],
        ['workers', x => x.workers], ['memory', x => bytes(x.memoryBytes)]]));
  } catch (e) {
    fill(devices.body, problem(e));
  }

  const depth = liveChart('queue depth', ['tasks queued']);
  const rate = liveChart('throughput', ['launches/s']);
  const numbers = el('p');
  fill(queue.body, numbers, el('div.grid', {}, depth.node, rate.node));
  const stats = watch(S.gpuos, 'GetStats', {}, 1, s => {
    const t = Date.now() / 1000;
    depth.push(t, [num(s.queueDepth)]);
    rate.push(t, [num(s.launchesPerSecond)]);
    fill(numbers, `${num(s.tasksSubmitted)} submitted, ${num(s.tasksCompleted)} completed, ${num(s.tasksFailed)} failed; latency p50 ${num(s.latencyP50Micros)} µs, `
      + `p99 ${num(s.latencyP99Micros)} µs; heartbeat ${num(s.heartbeatAgeMillis)} ms ago, ${num(s.workerRelaunches)} worker relaunches; ${num(s.tensors)} tensors (${bytes(s.tensorBytes)})`);
  }, e => fill(numbers, problem(e)));

  async function loadOperators() {
    try {
      const o = await rpc(S.gpuos, 'ListOperators');
      fill(operators.body, table(o.operators, [
        ['operator', x => x.name], ['active version', x => num(x.activeEpoch)],
        ['versions held', x => el('ul', {}, x.versions.map(v => el('li', {}, `#${num(v.epoch)} — ${v.signature} (${num(v.tasksInFlight)} in flight)`)))],
        ['', x => actions(x)],
      ], 'no operators installed yet (InstallOperator, or keelson gpuos install)'));
    } catch (e) {
      fill(operators.body, problem(e));
    }
  }

  function actions(op) {
    const allowed = ctx.can('ROLE_OPERATOR');
    const other = op.versions.find(v => num(v.epoch) !== num(op.activeEpoch));
    const status = el('span.status');
    const run = (label, method, request) => el('button', {
      disabled: !allowed, title: allowed ? '' : 'needs the operator role',
      onclick: async () => {
        fill(status, el('span.spinner'));
        try { await rpc(S.gpuos, method, request); await loadOperators(); } catch (e) { fill(status, problem(e)); }
      },
    }, label);
    return el('span', {}, other ? run(`Switch to #${num(other.epoch)}`, 'SwitchOperator', { name: op.name, epoch: other.epoch }) : null,
      run('Roll back', 'RollbackOperator', { name: op.name }), status);
  }

  await loadOperators();
  return () => { stats.close(); depth.destroy(); rate.destroy(); };
}
