// ---------- Who is calling ----------
const Auth = {
  get token() { try { return localStorage.getItem('pacer.token') || ''; } catch (e) { return ''; } },
  set token(v) { try { v ? localStorage.setItem('pacer.token', v) : localStorage.removeItem('pacer.token'); } catch (e) {} },
  // The caller as /v1/whoami answers: {name, scopes, allows}; null until known.
  me: null,
  loading: null,
  pending: null,
  // Asks for a token once, however many requests were refused meanwhile.
  ask(refused) {
    if (!this.pending) {
      this.pending = dialog({
        title: 'This server needs a token',
        text: refused ? 'That token was refused. Paste a token with at least the read scope.'
          : 'Paste an API token (create one with pacer tokens create NAME --scope read). It is kept in this browser only.',
        input: { type: 'password', placeholder: 'Bearer token', 'aria-label': 'API token', name: 'token' }, ok: 'Use token',
      }).then(v => {
        this.pending = null;
        if (v) { this.token = v; this.changed(); } else Live.setMode('signed-out');
        return v;
      });
    }
    return this.pending;
  },
  // The caller, asked of the server once per token.
  async ready() {
    if (this.me) return this.me;
    if (!this.loading) {
      this.loading = api('GET', '/v1/whoami').then(me => { this.me = me; return me; })
        .finally(() => { this.loading = null; drawWho(); });
    }
    return this.loading;
  },
  // Whether the caller may do what needs `scope` (admin grants all; write and run grant read).
  can(scope) {
    const me = this.me;
    if (!me) return false;
    const allows = me.allows || me.scopes || [];
    return allows.includes('admin') || allows.includes(scope);
  },
  // The token changed: learn the new caller (unless `me` is known), follow events with it,
  // redraw the view.
  changed(me) {
    this.me = me || null;
    drawWho();
    Live.restart();
    Router.render();
  },
  // Checks a token with the server before keeping it; the current one stays when it is refused.
  async use(token) {
    let res;
    try {
      res = await fetch('/v1/whoami', { headers: { Accept: 'application/json', Authorization: 'Bearer ' + token }, cache: 'no-store' });
    } catch (e) { throw new Error('Cannot reach the Pacer server. Is pacer serve running?'); }
    if (res.status === 401) throw new Error('That token was refused; the current one is kept.');
    if (!res.ok) throw new Error(`The server answered ${res.status} ${res.statusText || ''}`.trim());
    const me = await res.json();
    // A server without tokens answers every caller as local: there is nothing to sign in to.
    if (me.name === 'local') throw new Error('This server has no tokens yet: it is open on this machine, no token needed.');
    this.token = token;
    this.changed(me);
    return me;
  },
  // Forgets the token. A server with tokens then asks for one again.
  signOut() {
    this.token = '';
    this.me = null;
    Live.stop();
    Live.setMode('signed-out');
    drawWho();
    Router.render();
  },
};
async function switchToken() {
  const v = await dialog({ title: Auth.token ? 'Switch token' : 'Use a token',
    text: 'Paste an API token (pacer tokens create NAME --scope read|write|run|admin). It is kept in this browser only.',
    input: { type: 'password', placeholder: 'Bearer token', 'aria-label': 'API token', name: 'token' }, ok: 'Use token' });
  if (!v) return;
  try {
    const me = await Auth.use(v);
    toast(`Now using the token ${me.name}`);
  } catch (e) { toast(e.message || String(e), 'bad'); }
}
async function signOut() {
  if (!await confirmAction('Sign out?', 'This browser forgets its token. You need to paste a token again to use this server.', 'Sign out')) return;
  Auth.signOut();
  toast('Signed out: the token is forgotten');
}
// The sidebar's panel: the caller's name and scopes, Switch token and Sign out.
function drawWho() {
  const el = document.getElementById('who');
  if (!el) return;
  const me = Auth.me, stored = !!Auth.token;
  const open = me && me.name === 'local' && !stored;
  replace(el,
    me ? h('div', { class: 'who-line' }, h('span', { class: 'muted', title: open ? 'This server has no tokens yet, so it serves this machine with every scope' : null },
      open ? 'No token needed' : 'Token '),
      open ? null : h('b', { class: 'who-name', title: 'What you create is owned by this name' }, me.name)) : null,
    me && !open ? h('div', { class: 'who-scopes', title: 'What this token may do' },
      (me.scopes || []).map(s => h('span', { class: 'chip', dataset: { scope: s } }, s))) : null,
    h('div', { class: 'who-actions' },
      h('button', { class: 'btn small', type: 'button', id: 'switch-token', onclick: switchToken }, stored ? 'Switch token' : 'Use a token'),
      stored ? h('button', { class: 'btn small ghost', type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out') : null));
  el.hidden = !me && !stored;
  el.dataset.caller = me ? me.name : '';
}
