// The console's shell: sign-in, navigation by role, and the page router. Each page module exports
// render(root, ctx) and may return a function that stops what it started (streams, timers).
import { onSignedOut, session } from './api.js';
import { el, fill, pretty } from './ui.js';

const pages = ['overview', 'gpuos', 'agentcgroup', 'acrfence', 'sysom', 'schedcp', 'wio', 'audit', 'tokens'];
const ROLES = ['ROLE_VIEWER', 'ROLE_OPERATOR', 'ROLE_ADMIN'];

const signInForm = document.getElementById('sign-in');
const signInError = document.getElementById('sign-in-error');
const page = document.getElementById('page');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOutButton = document.getElementById('sign-out');

let ctx = null;
let stop = null;

function context(identity) {
  const token = identity.token;
  const rank = ROLES.indexOf(token.role);
  return {
    token,
    /** Whether the signed-in role may use a button that needs `role` (the gateway decides in the end). */
    can: role => rank >= ROLES.indexOf(role),
    scoped: system => token.scopes.includes('*') || token.scopes.includes(system),
    /** Draws the current page again (e.g. for another node). */
    rerender: () => route(),
  };
}

function showSignIn(message) {
  if (stop) { stop(); stop = null; }
  ctx = null;
  fill(page);
  nav.hidden = true;
  signOutButton.hidden = true;
  who.textContent = '';
  signInForm.hidden = false;
  signInError.textContent = message || '';
}

function signedIn(identity) {
  ctx = context(identity);
  signInForm.hidden = true;
  nav.hidden = false;
  signOutButton.hidden = false;
  who.textContent = `${ctx.token.name} (${pretty(ctx.token.role, 'ROLE_')})`;
  for (const link of nav.querySelectorAll('a[data-role]')) link.hidden = !ctx.can(link.dataset.role);
  route();
}

async function route() {
  if (!ctx) return;
  if (stop) { stop(); stop = null; }
  const name = (location.hash.replace(/^#\//, '') || 'overview').split('/')[0];
  const which = pages.includes(name) ? name : 'overview';
  for (const link of nav.querySelectorAll('a')) link.classList.toggle('active', link.getAttribute('href') === `#/${which}`);
  const root = el('div', { id: `page-${which}` });
  fill(page, root);
  try {
    const module = await import(`./pages/${which}.js`);
    stop = (await module.render(root, ctx)) || null;
  } catch (e) {
    fill(root, el('p.error', { role: 'alert' }, `This page failed: ${e.message}`));
  }
}

onSignedOut(message => showSignIn(message === 'not signed in' ? '' : message));
signInForm.addEventListener('submit', async e => {
  e.preventDefault();
  signInError.textContent = '';
  try {
    const identity = await session('POST', { token: document.getElementById('token').value });
    document.getElementById('token').value = '';
    signedIn(identity);
  } catch (err) {
    signInError.textContent = err.message;
  }
});
signOutButton.addEventListener('click', async () => { await session('DELETE'); showSignIn(''); });
window.addEventListener('hashchange', route);

session('GET').then(identity => (identity ? signedIn(identity) : showSignIn('')), e => showSignIn(e.message));
