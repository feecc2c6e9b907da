// Overview: every system's health, the backend serving it and its key numbers, refreshed every 3 s.
import { rpc, S } from '../api.js';
import { ensureNode, onNode } from '../nodes.js';
import { backend, card, el, fill, fixed, num, pretty, problem } from '../ui.js';

/** Per system: the call that tells its backend and key numbers, and how to say them. */
const KEY_NUMBERS = {
  gpuos: async () => {
    const s = await rpc(S.gpuos, 'GetStats');
    return [s.backend, `queue ${num(s.queueDepth)}, ${fixed(s.launchesPerSecond)} launches/s, ${num(s.tasksCompleted)} tasks done, p99 ${num(s.latencyP99Micros)} µs`];
  },
  agentcgroup: async () => {
    const nodes = await ensureNode('agentcgroup', S.agentcgroup);
    const s = await rpc(S.agentcgroup, 'ListSessions');
    return [s.backend, onNode(nodes, S.agentcgroup) + (s.unsupported ? `sessions unavailable: ${s.unsupported}`
      : `${s.sessions.length} sessions, ${s.sessions.reduce((a, x) => a + num(x.callsRunning), 0)} tool calls running, policy ${s.policy}`)];
  },
  acrfence: async () => {
    const [chain, runs] = await Promise.all([rpc(S.acrfence, 'VerifyChain'), rpc(S.acrfence, 'ListRuns')]);
    return [chain.backend, `${runs.runs.length} runs, journal ${num(chain.records)} records, chain ${chain.intact ? 'intact' : 'BROKEN at ' + chain.firstBrokenSeq}`];
  },
  sysom: async () => {
    const s = await rpc(S.sysom, 'ListJobs');
    return [s.backend, `${s.jobs.length} jobs, ${s.jobs.filter(j => j.state !== 'JOB_STATE_RUNNING').length} not running`];
  },
  schedcp: async () => {
    const nodes = await ensureNode('schedcp', S.schedcp);
    const s = await rpc(S.schedcp, 'ListSchedulers');
    return [s.backend, onNode(nodes, S.schedcp) + `${s.schedulers.length} schedulers in the catalogue; ${s.running ? 'running ' + s.running.schedulerName : 'none running'}; sched_ext: ${s.schedExtState || (s.schedExtSupported ? 'supported' : 'not in this kernel')}`];
  },
  wio: async () => {
    const s = await rpc(S.wio, 'ListActors');
    const device = s.actors.filter(a => a.side === 'SIDE_DEVICE').length;
    return [s.backend, `${s.actors.length} actors, ${device} on the device`];
  },
};

export async function render(root) {
  const grid = el('div.grid');
  fill(root, el('h1', {}, 'Overview'), grid);
  const { systems } = await rpc(S.controlplane, 'ListSystems');
  const cards = systems.map(system => {
    const c = card(system.name, el('p.muted', {}, system.description));
    c.dataset.system = system.name;
    const health = el('p.health', {}, '…');
    const numbers = el('div.numbers', {}, '');
    c.body.append(el('p.muted', {}, system.address ? `${pretty(system.mode, 'DEPLOYMENT_MODE_')} · ${system.address}` : 'not deployed'), health, numbers);
    grid.append(c);
    return { system, health, numbers };
  });

  async function refresh() {
    await Promise.all(cards.map(async ({ system, health, numbers }) => {
      if (!system.address) { fill(health, el('span.badge.off', {}, 'not deployed')); return; }
      try {
        const h = await rpc(S.controlplane, 'GetSystemHealth', { system: system.name });
        const state = pretty(h.state, 'SERVING_STATE_');
        fill(health, el(`span.badge.${state === 'serving' ? 'ok' : 'bad'}`, {}, state), h.detail ? ` ${h.detail}` : '');
      } catch (e) {
        fill(health, problem(e));
      }
      const read = KEY_NUMBERS[system.name];
      if (!read) return;
      try {
        const [b, text] = await read();
        fill(numbers, el('p', {}, 'backend ', el('span.badge.backend', { 'data-backend': b }, backend(b))), el('p', {}, text));
      } catch (e) {
        fill(numbers, problem(e));
      }
    }));
  }
  await refresh();
  const timer = setInterval(refresh, 3000);
  return () => clearInterval(timer);
}
