// API tokens (admin): list, create (the secret is shown once), revoke.
import { rpc, S } from '../api.js';
import { card, el, fill, form, pretty, problem, table } from '../ui.js';

export async function render(root) {
  const list = card('Tokens');
  const created = el('div');
  const create = card('Create a token', form([
    ['name', 'name', {}],
    ['role', 'role', { options: ['ROLE_VIEWER', 'ROLE_OPERATOR', 'ROLE_ADMIN'] }],
    ['scopes', 'systems (comma-separated, * for all)', { value: '*' }],
    ['ttlHours', 'expires after (hours, empty: never)', { type: 'number' }],
  ], 'Create', async v => {
    const request = { name: v.name, role: v.role, scopes: v.scopes.split(',').map(s => s.trim()).filter(Boolean) };
    if (v.ttlHours) request.ttl = `${Math.round(Number(v.ttlHours) * 3600)}s`;
    const r = await rpc(S.controlplane, 'CreateApiToken', request);
    fill(created, el('p.notice', {}, `Token ${r.token.id} created. Its secret is shown this once: `, el('code.secret', {}, r.secret)));
    await load(list);
  }), created);
  fill(root, el('h1', {}, 'API tokens'), create, list);
  await load(list);
}

async function load(list) {
  try {
    const r = await rpc(S.controlplane, 'ListApiTokens', { pageSize: 500, includeRevoked: true });
    fill(list.body, table(r.tokens, [
      ['id', t => t.id], ['name', t => t.name], ['role', t => pretty(t.role, 'ROLE_')], ['systems', t => t.scopes.join(', ')],
      ['created', t => `${new Date(t.createdAt).toLocaleString()} by ${t.createdBy}`],
      ['expires', t => (t.expiresAt ? new Date(t.expiresAt).toLocaleString() : 'never')],
      ['', t => (t.revokedAt ? `revoked ${new Date(t.revokedAt).toLocaleString()}` : el('button', {
        onclick: async ev => {
          try { await rpc(S.controlplane, 'RevokeApiToken', { id: t.id }); await load(list); } catch (e) { ev.target.after(problem(e)); }
        },
      }, 'Revoke'))],
    ]));
  } catch (e) {
    fill(list.body, problem(e));
  }
}
