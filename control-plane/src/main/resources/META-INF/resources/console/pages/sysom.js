// sysom: jobs, a per-rank breakdown heat map, diagnoses with their evidence (live, as steps complete), and a
// window of steps downloadable as a Chrome trace.
import { rpc, S, stream } from '../api.js';
import { backend, card, el, fill, fixed, form, heatmap, num, pretty, problem, table } from '../ui.js';

const pct = v => `${fixed(num(v) * 100, 0)} %`;
const SCORE_COLUMNS = [['detector', s => s.detector], ['recall', s => pct(s.singleRecall)], ['precision', s => pct(s.singlePrecision)],
  ['class', s => pct(s.classAccuracy)], ['top-3', s => pct(s.top3)], ['pairs', s => pct(s.pairRecall)], ['hangs', s => pct(s.hangRecall)],
  ['false alarms /1000 steps', s => fixed(s.falseAlarmsPer1000Steps, 2)], ['median detection (steps)', s => fixed(s.medianLatencySteps, 1)]];

export async function render(root, ctx) {
  const jobs = card('Jobs');
  const detail = el('div');
  const bench = card('XFault benchmark (simulated cluster)');
  fill(root, el('h1', {}, 'sysom'), jobs, detail, bench);
  let diagnoses = null;

  const select = job => {
    if (diagnoses) diagnoses.close();
    diagnoses = showJob(detail, job);
  };
  try {
    const r = await rpc(S.sysom, 'ListJobs');
    fill(jobs.body, el('p', {}, 'backend ', el('span.badge.backend', {}, backend(r.backend))), table(r.jobs, [
      ['job', j => el('a', { href: '#/sysom', onclick: e => { e.preventDefault(); select(j.job); } }, j.job)],
      ['ranks', j => j.worldSize], ['complete steps', j => num(j.completeSteps)], ['latest step', j => num(j.latestStep)],
      ['state', j => pretty(j.state, 'JOB_STATE_')],
    ], 'no jobs reported yet: node agents send step reports (keelson sysom, or the sysom agent)'));
    if (r.jobs.length) select(r.jobs[0].job);
  } catch (e) {
    fill(jobs.body, problem(e));
  }

  const result = el('div');
  fill(bench.body, form([['dp', 'dp', { type: 'number', value: '8' }], ['tp', 'tp', { type: 'number', value: '1' }], ['pp', 'pp', { type: 'number', value: '1' }],
    ['seeds', 'seeds', { type: 'number', value: '1' }]], 'Run benchmark', async v => {
    const r = await rpc(S.sysom, 'RunFaultBenchmark', { dp: Number(v.dp), tp: Number(v.tp), pp: Number(v.pp), seeds: Number(v.seeds) });
    fill(result, el('p.muted', {}, `${r.scenarios} scenarios, ${num(r.rankSteps)} rank-steps in ${fixed(r.seconds)} s; backend ${backend(r.backend)}; kernels from ${r.kernelSource}`),
      table(r.scores, SCORE_COLUMNS));
  }, { disabled: !ctx.can('ROLE_OPERATOR'), note: ctx.can('ROLE_OPERATOR') ? '' : 'needs the operator role' }), result);
  return () => { if (diagnoses) diagnoses.close(); };
}

function showJob(detail, job) {
  const breakdown = card(`Per-rank breakdown of ${job} (µs per step)`);
  const diagnosis = card('Diagnosis (updates as steps complete)');
  const exportCard = card('Export');
  fill(detail, breakdown, diagnosis, exportCard);

  rpc(S.sysom, 'GetBreakdown', { job, windowSteps: 8 }).then(b => {
    const cols = ['busy', 'compute', 'memcpy', 'in collectives', 'waiting', 'transfer'];
    const keys = ['busyMicros', 'computeMicros', 'memcpyMicros', 'inCollectivesMicros', 'waitMicros', 'transferMicros'];
    fill(breakdown.body, el('p.muted', {}, `steps ${num(b.fromStep)}–${num(b.toStep)}`),
      heatmap(b.ranks.map(r => `rank ${r.rank}`), cols, (r, c) => num(b.ranks[r][keys[c]])));
  }, e => fill(breakdown.body, problem(e)));

  fill(exportCard.body, el('button', {
    onclick: async () => {
      try {
        const r = await rpc(S.sysom, 'ExportChromeTrace', { job, windowSteps: 8 });
        const blob = new Blob([Uint8Array.from(atob(r.data), c => c.charCodeAt(0))], { type: r.mediaType });
        const a = el('a', { href: URL.createObjectURL(blob), download: r.fileName });
        document.body.append(a); a.click(); a.remove();
      } catch (e) { exportCard.body.append(problem(e)); }
    },
  }, 'Download as Chrome trace'), el('span.muted', {}, ' open it in chrome://tracing or Perfetto'));

  fill(diagnosis.body, el('span.spinner'), ' diagnosing…');
  return stream(S.sysom, 'WatchDiagnoses', { job }, d => {
    fill(diagnosis.body, el('p.muted', {}, `steps ${num(d.fromStep)}–${num(d.toStep)}`),
      d.findings.length === 0 ? el('p.badge.ok', {}, 'healthy: no finding') : d.findings.map(f => el('div.finding', {},
        el('h3', {}, `${pretty(f.faultClass, 'FAULT_CLASS_')} at ${f.link ? `link ${f.link.fromRank}→${f.link.toRank}` : `rank ${f.rank}`} — layer ${pretty(f.layer, 'LAYER_')}, `
          + `confidence ${fixed(f.confidence * 100, 0)} %, slowdown ${fixed(f.slowdown * 100, 0)} %`),
        el('ol.evidence', {}, f.evidence.map(ev => el('li', {}, `${pretty(ev.layer, 'LAYER_')}: ${ev.metric} ${fixed(ev.value, 2)} vs peers ${fixed(ev.peerMedian, 2)} — ${ev.reading}`))))));
  }, e => fill(diagnosis.body, problem(e)));
}
