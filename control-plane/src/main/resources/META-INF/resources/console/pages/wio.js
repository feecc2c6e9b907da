// wio: actors and where they run, the device's temperature and throughput over time with migrations marked;
// migrate an actor or change the placement policy (operator).
import { rpc, S, stream, watch } from '../api.js';
import { backend, bytes, card, el, fill, fixed, form, liveChart, num, pretty, problem, table } from '../ui.js';

export async function render(root, ctx) {
  const actors = card('Actors and placement');
  const device = card('Device');
  const placement = card('Placement policy');
  fill(root, el('h1', {}, 'wio'), actors, el('div.grid', {}, device, placement));

  const operator = ctx.can('ROLE_OPERATOR');
  const status = el('span.status');
  const migrate = (a, to) => el('button', {
    disabled: !operator, title: operator ? '' : 'needs the operator role',
    onclick: async () => {
      fill(status, el('span.spinner'), ` moving ${a.name}…`);
      try {
        const r = await rpc(S.wio, 'MigrateActor', { name: a.name, to });
        fill(status, `${a.name} now on the ${pretty(r.actor.side, 'SIDE_')}: paused ${fixed(num(r.pauseNanos) / 1000, 1)} µs, ${r.bytesMoved} bytes moved`);
      } catch (e) { fill(status, problem(e)); }
    },
  }, `Move to ${to === 'SIDE_DEVICE' ? 'device' : 'host'}`);

  const tableHolder = el('div');
  fill(actors.body, tableHolder, status);
  const actorWatch = watch(S.wio, 'ListActors', {}, 2, r => fill(tableHolder,
    el('p', {}, 'backend ', el('span.badge.backend', { 'data-backend': r.backend }, backend(r.backend))),
    table(r.actors, [
      ['actor', a => a.name], ['module', a => a.module], ['side', a => pretty(a.side, 'SIDE_')], ['state', a => pretty(a.state, 'ACTOR_STATE_') + (a.failure ? `: ${a.failure}` : '')],
      ['records', a => num(a.recordsProcessed)], ['queued', a => bytes(a.queuedBytes)], ['memory', a => `${a.memoryPages}/${a.memoryLimitPages} pages`],
      ['migrations', a => num(a.epoch)], ['', a => migrate(a, a.side === 'SIDE_DEVICE' ? 'SIDE_HOST' : 'SIDE_DEVICE')],
    ], 'no actors deployed (DeployActor, or keelson wio deploy)')), e => fill(tableHolder, problem(e)));

  // x: the device model's clock (seconds since the service started), as the telemetry reports it
  const temperature = liveChart('device temperature (°C) over device time (s)', ['temperature'], { xTime: false });
  const throughput = liveChart('throughput (MB/s) over device time (s)', ['device', 'host'], { xTime: false });
  const numbers = el('p');
  fill(device.body, numbers, temperature.node, throughput.node);
  let migrations = null;
  const telemetry = stream(S.wio, 'StreamDeviceTelemetry', { intervalMs: 500 }, t => {
    const moved = migrations !== null && num(t.migrations) > migrations ? `migration ×${num(t.migrations) - migrations}` : undefined;
    migrations = num(t.migrations);
    temperature.push(t.seconds, [t.temperatureC], moved);
    throughput.push(t.seconds, [t.deviceBytesPerSecond / 1e6, t.hostBytesPerSecond / 1e6], moved);
    fill(numbers, `${fixed(t.temperatureC)} °C, throttle ${t.throttle}, ${fixed(t.watts)} W; ${t.actorsOnDevice} actors on the device, `
      + `${t.actorsOnHost} on the host; policy ${t.policy}; ${migrations} migrations; backend ${backend(t.backend)}`);
  }, e => fill(numbers, problem(e)));

  fill(placement.body, el('p.muted', {}, 'static-host and static-device pin every actor; reversible places them one by one, on the device while it is cool, on the host for what a hot device cannot sustain.'),
    form([['policy', 'policy', { options: ['reversible', 'static-host', 'static-device'] }]], 'Set policy',
      v => rpc(S.wio, 'SetPlacementPolicy', v), { disabled: !operator, note: operator ? '' : 'needs the operator role' }));

  return () => { actorWatch.close(); telemetry.close(); temperature.destroy(); throughput.destroy(); };
}
