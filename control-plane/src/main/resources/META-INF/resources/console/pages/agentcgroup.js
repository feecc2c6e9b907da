// agentcgroup: sessions and their live tool calls, memory per session over time with the policy's actions
// marked, the live policy (admin), and trace analysis charts from uploaded traces.
import { rpc, S, stream, watch } from '../api.js';
import { nodePicker } from '../nodes.js';
import { backend, barChart, bytes, card, el, fill, fixed, form, liveChart, num, pretty, problem, table, time } from '../ui.js';

const POLICY_EVENTS = new Set(['EVENT_KIND_THROTTLED', 'EVENT_KIND_FROZEN', 'EVENT_KIND_THAWED', 'EVENT_KIND_KILLED', 'EVENT_KIND_RESUMED', 'EVENT_KIND_LIMIT_SET']);

export async function render(root, ctx) {
  const sessions = card('Sessions');
  const memory = card('Memory per session');
  const events = card('Events (tool calls and policy actions, newest first)');
  const policy = card('Live policy');
  const run = card('Run a tool call');
  const analysis = card('Trace analysis');
  const node = await nodePicker('agentcgroup', S.agentcgroup, ctx.rerender);
  fill(root, el('h1', {}, 'agentcgroup'), node, el('div.grid', {}, sessions, policy), memory, el('div.grid', {}, run, events), analysis);
  const runs = [];
  fill(run.body, toolCallForm(ctx, runs));

  let chart = null;
  let names = [];
  const pendingMarks = [];
  const sessionWatch = watch(S.agentcgroup, 'ListSessions', { closedLimit: 10 }, 1, s => {
    fill(sessions.body,
      el('p', {}, 'backend ', el('span.badge.backend', { 'data-backend': s.backend }, backend(s.backend)), s.unsupported ? ` — ${s.unsupported}` : ''),
      table(s.sessions, [
        ['session', x => x.sessionId], ['priority', x => pretty(x.priority, 'PRIORITY_')], ['memory now', x => bytes(x.memoryBytes)],
        ['peak', x => bytes(x.peakMemoryBytes)], ['tool calls running', x => num(x.callsRunning)], ['finished', x => num(x.callsFinished)],
        ['OOM kills', x => num(x.oomKills)],
      ], 'no open sessions'),
      // kept only where the service has its ledger in PostgreSQL (cluster mode)
      s.closed.length ? el('h3', {}, 'Recently closed') : '',
      s.closed.length ? table(s.closed, [
        ['session', x => x.sessionId], ['node', x => x.node], ['priority', x => pretty(x.priority, 'PRIORITY_')],
        ['closed', x => new Date(x.closedAt).toLocaleString()], ['why', x => x.reason], ['calls', x => num(x.callsFinished)],
        ['OOM kills', x => num(x.oomKills)],
      ]) : '');
    fill(policy.body, el('p', {}, el('b', {}, s.policy || '—'), ' ', s.policySettings || ''),
      el('p.muted', {}, `memory budget ${bytes(s.memoryBudgetBytes)}`), policyForm(ctx, s));
    const ids = s.sessions.map(x => x.sessionId);
    if (ids.join() !== names.join()) {
      names = ids;
      if (chart) chart.destroy();
      chart = ids.length ? liveChart('memory (MiB)', ids) : null;
      fill(memory.body, chart ? chart.node : el('p.empty', {}, 'no open sessions'));
    }
    if (chart) chart.push(Date.now() / 1000, s.sessions.map(x => num(x.memoryBytes) / (1 << 20)), pendingMarks.splice(0).join(', ') || undefined);
  }, e => fill(sessions.body, problem(e)));

  const rows = [];
  const eventStream = stream(S.agentcgroup, 'StreamEvents', {}, e => {
    rows.unshift(e);
    rows.length = Math.min(rows.length, 50);
    if (POLICY_EVENTS.has(e.kind)) pendingMarks.push(`${pretty(e.kind, 'EVENT_KIND_')} ${e.sessionId}`);
    fill(events.body, table(rows, [
      ['time', x => time(x.atEpoch * 1000)], ['session', x => x.sessionId], ['event', x => pretty(x.kind, 'EVENT_KIND_')],
      ['call', x => x.callId], ['detail', x => x.detail], ['reaction', x => (num(x.reactionMicros) ? `${num(x.reactionMicros)} µs` : '')],
    ]));
  }, e => fill(events.body, problem(e)));
  fill(events.body, el('p.empty', {}, 'waiting for events…'));

  fill(analysis.body, el('p.muted', {}, 'Pick a task\'s resources.json and tool_calls.json (the AgentCgroup study\'s format); the service analyses them and reads no file itself.'),
    analyzeForm(analysis));

  return () => { sessionWatch.close(); eventStream.close(); runs.forEach(r => r.close()); if (chart) chart.destroy(); };
}

/** Runs a command in a session's cgroup and shows its output as it streams, then the verdict in words. */
function toolCallForm(ctx, runs) {
  const output = el('pre.output');
  const verdict = el('p');
  const allowed = ctx.can('ROLE_OPERATOR');
  const f = form([
    ['sessionId', 'session', { placeholder: 'session id' }],
    ['argv', 'command (no shell: words split on spaces)', { value: 'echo hello from a cgroup' }],
    ['memoryLimitMiB', 'memory limit (MiB, 0: the session\'s)', { type: 'number', value: '0' }],
  ], 'Run', v => new Promise((resolve, reject) => {
    fill(output);
    fill(verdict, el('span.spinner'), ' running…');
    let text = '';
    const call = stream(S.agentcgroup, 'RunToolCall', {
      sessionId: v.sessionId, callId: `console-${Date.now().toString(36)}`, argv: v.argv.trim().split(/\s+/),
      memoryLimitBytes: String(Math.round(Number(v.memoryLimitMiB || 0) * (1 << 20))), timeoutSeconds: 600,
    }, e => {
      if (e.output !== undefined) { text += atob(e.output); output.textContent = text.slice(-20000); }
      if (e.end) {
        fill(verdict, el(`span.badge.${e.end.verdict === 'completed' ? 'ok' : 'bad'}`, {}, e.end.verdict),
          ` exit ${e.end.exitCode}, peak ${bytes(e.end.peakBytes)}, ${fixed(e.end.wallSeconds, 2)} s — ${e.end.explanation}`);
        resolve();
      }
    }, err => { fill(verdict); reject(err); });
    runs.push(call);
  }), { disabled: !allowed, note: allowed ? '' : 'needs the operator role' });
  return [f, output, verdict];
}

function policyForm(ctx, s) {
  if (!ctx.can('ROLE_ADMIN')) return el('p.muted', {}, 'Changing the policy needs the admin role.');
  return form([
    ['policy', 'policy', { options: ['agentcgroup', 'none', 'static', 'kubernetes-memoryqos', 'senpai', 'oomd'], value: s.policy }],
    ['memoryBudgetMiB', 'budget (MiB, 0 keeps it)', { type: 'number', value: '0' }],
  ], 'Set policy', v => rpc(S.agentcgroup, 'SetPolicy', { policy: v.policy, memoryBudgetBytes: String(Math.round(Number(v.memoryBudgetMiB) * (1 << 20))) }));
}

function analyzeForm(analysis) {
  const resources = el('input', { type: 'file', accept: '.json', name: 'resources' });
  const tools = el('input', { type: 'file', accept: '.json', name: 'tools' });
  const out = el('div');
  const f = form([['name', 'task name', { value: 'uploaded-task' }]], 'Analyse', async v => {
    if (!resources.files[0]) throw Object.assign(new Error('choose a resources.json'), { code: 'INVALID_ARGUMENT', violations: [] });
    const b64 = async file => {
      if (!file) return '';
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    };
    const reply = await rpc(S.agentcgroup, 'AnalyzeTraces', {
      tasks: [{ name: v.name, resourcesJson: await b64(resources.files[0]), toolCallsJson: await b64(tools.files[0]) }],
    });
    showAnalysis(out, reply);
  });
  f.prepend(el('label', {}, el('span', {}, 'resources.json'), resources), el('label', {}, el('span', {}, 'tool_calls.json'), tools));
  return el('div', {}, f, out);
}

function showAnalysis(out, reply) {
  const task = reply.tasks[0];
  const skipped = Object.entries(task.samplesSkipped || {}).map(([k, n]) => `${n} ${k}`).join(', ');
  fill(out,
    el('p', {}, `${task.task}: ${fixed(task.seconds)} s, tools ${fixed(task.toolSeconds)} s, model ${fixed(task.modelSeconds)} s; peak ${bytes(task.peakBytes)}`
      + ` (${task.peakDuring ? 'during ' + task.peakDuring.tool : 'while the model thought'}), average ${bytes(task.averageBytes)}, ratio ${fixed(task.peakToAverage, 2)}`),
    el('p.muted', {}, `${task.samplesKept} samples kept${skipped ? ', skipped: ' + skipped : ''}; backend ${backend(reply.backend)}`),
    reply.byTool.length ? barChart('P95 peak memory per tool (MiB)', reply.byTool.map(t => t.tool), reply.byTool.map(t => num(t.p95PeakBytes) / (1 << 20)), 'MiB') : null,
    table(reply.byTool, [['tool', t => t.tool], ['calls', t => t.calls], ['P50 peak', t => bytes(t.p50PeakBytes)], ['P95 peak', t => bytes(t.p95PeakBytes)], ['max', t => bytes(t.maxPeakBytes)]]));
}
