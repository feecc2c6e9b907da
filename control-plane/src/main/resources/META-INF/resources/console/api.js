// The console's only way to the platform: the public gRPC API, as JSON, through the control plane's
// /console/api (which calls the gateway with the signed-in token: roles and the audit log apply).

const HEADERS = { 'X-Keelson-Console': '1', 'Content-Type': 'application/json' };

export const S = {
  controlplane: 'keelson.controlplane.v1.ControlPlaneService',
  gpuos: 'keelson.gpuos.v1.GpuOsService',
  agentcgroup: 'keelson.agentcgroup.v1.AgentCgroupService',
  acrfence: 'keelson.acrfence.v1.AcrFenceService',
  sysom: 'keelson.sysom.v1.SysomService',
  schedcp: 'keelson.schedcp.v1.SchedCpService',
  wio: 'keelson.wio.v1.WioService',
};

/**
 * The node chosen for each system that runs an instance per node (agentcgroup and schedcp in a cluster), by
 * service: its calls carry it (X-Keelson-Node, passed on as keelson-node). Kept for the browser tab.
 */
const chosenNodes = JSON.parse(sessionStorage.getItem('keelson-nodes') || '{}');
export function nodeFor(service) { return chosenNodes[service] || ''; }
export function chooseNode(service, node) {
  chosenNodes[service] = node;
  sessionStorage.setItem('keelson-nodes', JSON.stringify(chosenNodes));
}
function headers(service) {
  const node = nodeFor(service);
  return node ? { ...HEADERS, 'X-Keelson-Node': node } : HEADERS;
}

/** A failed call: the gRPC code, its message, the error reason and the bad fields. */
export class ApiError extends Error {
  constructor(e) {
    super(e.message || 'the call failed');
    this.code = e.code || 'UNKNOWN';
    this.reason = e.reason || '';
    this.violations = e.violations || [];
    this.httpStatus = e.httpStatus || 0;
  }
}

let signedOut = () => {};
export function onSignedOut(callback) { signedOut = callback; }

async function failure(response) {
  const body = await response.json().catch(() => ({ code: 'UNKNOWN', message: `HTTP ${response.status}` }));
  if (response.status === 401) signedOut(body.message);
  return new ApiError(body);
}

export async function session(method, body) {
  const r = await fetch('/console/api/session', { method, headers: HEADERS, body: body && JSON.stringify(body) });
  if (r.status === 204) return null;
  const json = await r.json().catch(() => ({ code: 'UNKNOWN', message: `HTTP ${r.status}` }));
  if (!r.ok) throw new ApiError(json);
  return json;
}

/** One unary call; resolves to the response message (proto3 JSON: lowerCamelCase, int64 as strings). */
export async function rpc(service, method, request = {}) {
  const r = await fetch(`/console/api/rpc/${service}/${method}`, { method: 'POST', headers: headers(service), body: JSON.stringify(request) });
  if (!r.ok) throw await failure(r);
  return r.json();
}

/** Server-sent events over fetch (so the marker header goes along); returns a handle whose close() ends it. */
function events(path, service, request, onMessage, onError) {
  const control = new AbortController();
  (async () => {
    const r = await fetch(path, { method: 'POST', headers: headers(service), body: JSON.stringify(request), signal: control.signal });
    if (!r.ok) { onError(await failure(r)); return; }
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).replace(/^ /, '')).join('\n');
        if (!data) continue;
        const event = JSON.parse(data);
        if (event.error) onError(new ApiError(event.error)); else onMessage(event.message);
      }
    }
  })().catch(e => { if (e.name !== 'AbortError') onError(new ApiError({ code: 'UNAVAILABLE', message: String(e.message || e) })); });
  return { close: () => control.abort() };
}

/** A read-only call made again every `every` seconds; each answer (or error) as it comes. */
export function watch(service, method, request, every, onMessage, onError) {
  return events(`/console/api/watch/${service}/${method}?every=${every}`, service, request, onMessage, onError);
}

/** A server-streaming call: each message as it comes. */
export function stream(service, method, request, onMessage, onError) {
  return events(`/console/api/stream/${service}/${method}`, service, request, onMessage, onError);
}
