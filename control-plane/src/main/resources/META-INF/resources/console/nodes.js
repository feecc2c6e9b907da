// Systems that run an instance per node (agentcgroup and schedcp in a cluster): which node a page's calls go to.
import { chooseNode, nodeFor, rpc, S } from './api.js';
import { el } from './ui.js';

/** The nodes `system` runs on (none when it runs once, e.g. embedded); a node is chosen for it if none valid was. */
export async function ensureNode(system, service) {
  const { systems } = await rpc(S.controlplane, 'ListSystems').catch(() => ({ systems: [] })); // then calls say what is wrong

  const nodes = (systems.find(s => s.name === system)?.nodes || []).map(n => n.node);
  if (nodes.length && !nodes.includes(nodeFor(service))) chooseNode(service, nodes[0]);
  return nodes;
}

/** A picker of the node `system`'s page shows (nothing when it runs once); `onChange` runs after another is chosen. */
export async function nodePicker(system, service, onChange) {
  const nodes = await ensureNode(system, service);
  if (nodes.length < 2) return nodes.length ? el('p.muted', {}, `node ${nodes[0]}`) : '';
  return el('label.node-picker', {}, 'node ',
    el('select', { 'aria-label': 'node', onchange: e => { chooseNode(service, e.target.value); onChange(); } },
      nodes.map(n => el('option', { value: n, selected: n === nodeFor(service) }, n))));
}

/** "node X of N: " where `system` runs on several nodes, else nothing: for a line about it. */
export function onNode(nodes, service) {
  return nodes.length > 1 ? `node ${nodeFor(service)} of ${nodes.length}: ` : '';
}
