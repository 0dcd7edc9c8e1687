// ---------- API ----------
class ApiError extends Error {
  constructor(status, code, message, field, fields) {
    super(message);
    this.status = status; this.code = code; this.field = field || null; this.fields = fields || [];
  }
  // Every {field, message} the error names.
  fieldErrors() {
    if (this.fields.length) return this.fields.filter(f => f && f.field);
    return this.field ? [{ field: this.field, message: this.message }] : [];
  }
}
async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = Auth.token;
    if (token) headers.Authorization = 'Bearer ' + token;
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'network', 'Cannot reach the Pacer server. Is pacer serve running?');
    }
    if (res.status === 401 && attempt < 3) {
      if (token) Auth.token = '';
      if (await Auth.ask(!!token)) continue;
    }
    const text = await res.text();
    let data = null;
    if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
    if (!res.ok) {
      const e = (data && data.error) || {};
      throw new ApiError(res.status, e.code || 'http_' + res.status, e.message || `${res.status} ${res.statusText || 'error'}`, e.field, e.fields);
    }
    return data;
  }
}
// Names of agents and schedules, for views that only hold ids.
const Names = {
  agents: new Map(), schedules: new Map(), loaded: 0,
  async load(force) {
    if (!force && Date.now() - this.loaded < 15000) return;
    this.loaded = Date.now();
    const [a, s] = await Promise.all([api('GET', '/v1/agents').catch(() => null), api('GET', '/v1/schedules').catch(() => null)]);
    if (a) for (const x of a.agents || []) { this.agents.set(x.id, x.name); this.agents.set(x.name, x.name); }
    if (s) for (const x of s.schedules || []) this.schedules.set(x.id, x.name);
  },
  agent(id) { return this.agents.get(id) || id; },
  schedule(id) { return this.schedules.get(id) || id; },
};

// Runs `load` at most once at a time; calls made while it runs collapse into one more run.
function refresher(load, wait = 250) {
  let timer = null, running = false, again = false;
  const run = async () => {
    timer = null;
    if (running) { again = true; return; }
    running = true;
    try { await load(); } catch (e) { console.warn(e); }
    running = false;
    if (again) { again = false; schedule(); }
  };
  const schedule = () => { if (!timer) timer = setTimeout(run, wait); };
  return schedule;
}

// ---------- Ticker ----------
// Every quarter second, live times are redrawn; a countdown that reaches its instant asks the
// view to refresh (the fire's events normally do that first).
let dueNudge = 0;
function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-live]')) {
    const ms = Number(el.dataset.at);
    let text;
    if (el.dataset.live === 'countdown') {
      text = countdownText(ms, now);
      const due = ms <= now;
      el.classList.toggle('due', due);
      if (due && now - ms < 30000 && now - dueNudge > 2000) { dueNudge = now; setTimeout(() => Router.nudge(), 1200); }
    } else text = relativeText(ms, now);
    if (el.textContent !== text) el.textContent = text;
  }
}

// ---------- Router ----------
const Router = {
  routes: [],
  view: null,
  add(pattern, view) { this.routes.push([pattern, view]); },
  path() {
    const hash = location.hash.replace(/^#/, '');
    return hash || location.pathname || '/';
  },
  go(path) { if (location.hash === '#' + path) this.render(); else location.hash = path; },
  nudge() { if (this.view && this.view.refresh) this.view.refresh('tick'); },
  async render() {
    const full = this.path();
    const [path, query] = full.split('?');
    const params = new URLSearchParams(query || '');
    if (this.view && this.view.destroy) this.view.destroy();
    this.view = null;
    const root = clear(document.getElementById('view'));
    let match = null, view = null;
    for (const [pattern, v] of this.routes) { match = path.match(pattern); if (match) { view = v; break; } }
    const section = (path.split('/')[1] || 'schedules');
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === section);
    if (!view) {
      document.title = 'Not found · Pacer';
      root.append(emptyState('search', 'Nothing here', `There is no page at ${path}.`, link('/schedules', 'Go to schedules')));
      return;
    }
    document.title = (view.title || 'Pacer') + ' · Pacer';
    const token = {};
    this.token = token;
    try {
      // What the caller may do decides which buttons the view offers.
      await Auth.ready();
      if (this.token !== token) return;
      const mounted = await view.mount(root, match.slice(1).map(decodeURIComponent), params);
      if (this.token !== token) { if (mounted && mounted.destroy) mounted.destroy(); return; }
      this.view = mounted || null;
    } catch (e) {
      if (this.token !== token) return;
      if (e instanceof ApiError) console.warn(e.message); else console.error(e);
      replace(root, errorBox(e, () => this.render()));
    }
  },
};

// Runs an action from a button: disables it meanwhile, reports the outcome.
async function act(button, fn, done) {
  if (button) button.disabled = true;
  try {
    const out = await fn();
    if (done) toast(done);
    return out;
  } catch (e) {
    toast(e.message || String(e), 'bad');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
