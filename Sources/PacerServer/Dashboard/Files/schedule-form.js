// ---------- Schedule form ----------
const COMMON_ZONES = ['UTC', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris', 'Europe/Berlin', 'Europe/Vienna',
  'Europe/Zurich', 'Europe/Amsterdam', 'Europe/Madrid', 'Europe/Rome', 'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Athens',
  'Europe/Helsinki', 'Europe/Istanbul', 'Europe/Moscow', 'Africa/Cairo', 'Africa/Johannesburg', 'Africa/Lagos', 'Asia/Dubai',
  'Asia/Karachi', 'Asia/Kolkata', 'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Hong_Kong',
  'Asia/Taipei', 'Asia/Seoul', 'Asia/Tokyo', 'Australia/Perth', 'Australia/Adelaide', 'Australia/Sydney', 'Pacific/Auckland',
  'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Denver', 'America/Phoenix', 'America/Chicago',
  'America/Mexico_City', 'America/New_York', 'America/Toronto', 'America/Bogota', 'America/Lima', 'America/Santiago',
  'America/Sao_Paulo', 'America/Argentina/Buenos_Aires'];
const RULE_EXAMPLES = ['every 15m', 'every day at 09:00', '0 9 * * 1-5', 'every 2 weeks on mon,thu at 18:30', '@hourly'];
function browserZone() { try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { return 'UTC'; } }
// Splits a command line into argv, honouring single and double quotes and backslashes.
function splitArgs(line) {
  const out = []; let cur = '', quote = null, any = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { quote = c; any = true; }
    else if (c === '\\' && i + 1 < line.length) { cur += line[++i]; any = true; }
    else if (/\s/.test(c)) { if (cur || any) out.push(cur); cur = ''; any = false; }
    else cur += c;
  }
  if (cur || any) out.push(cur);
  return out;
}
function joinArgs(argv) { return (argv || []).map(a => /^[\w@%+=:,./-]+$/.test(a) ? a : "'" + a.replace(/'/g, "'\\''") + "'").join(' '); }

// A labelled field; `names` are the API field paths whose errors it shows.
function field(label, input, { names = [], hint, cls } = {}) {
  const err = h('div', { class: 'field-error', hidden: true, role: 'alert' });
  const id = input.id || (input.id = 'f-' + Math.random().toString(36).slice(2, 9));
  const wrap = h('div', { class: 'field' + (cls ? ' ' + cls : ''), dataset: { fields: names.join(' ') } },
    label ? h('label', { for: id }, label) : null, input, hint ? h('div', { class: 'hint' }, hint) : null, err);
  wrap.showError = msg => { err.textContent = msg || ''; err.hidden = !msg; wrap.classList.toggle('invalid', !!msg); };
  return wrap;
}

const ScheduleForm = {
  title: 'New schedule',
  async mount(root, [id]) {
    const editing = !!id;
    if (!Auth.can('write')) {
      root.append(h('div', { class: 'card' }, emptyState('clock', 'Your token cannot change schedules',
        `Creating and editing schedules needs a token with the write scope; ${Auth.me ? Auth.me.name : 'this token'} has ${((Auth.me && Auth.me.scopes) || []).join(', ') || 'none'}.`,
        link(editing ? `/schedules/${encodeURIComponent(id)}` : '/schedules', 'Back'))));
      return {};
    }
    root.append(loading());
    const [existing, agentsData] = await Promise.all([
      editing ? api('GET', `/v1/schedules/${encodeURIComponent(id)}`) : Promise.resolve(null),
      api('GET', '/v1/agents').catch(() => ({ agents: [] })),
    ]);
    const agents = agentsData.agents || [];
    if (editing) document.title = `Edit ${existing.name} · Pacer`;
    const t0 = existing ? existing.target || {} : {};
    const timing = existing ? existing.timing || {} : {};
    const kind0 = existing ? t0.kind : (agents.length ? 'agent' : 'http');
    // Monitor and workflow targets have no inputs here: the form leaves them as they are.
    const keepTarget = !!existing && !['http', 'agent', 'command'].includes(t0.kind);

    // Inputs
    const name = h('input', { type: 'text', name: 'name', autocomplete: 'off', placeholder: 'nightly-report', value: existing ? existing.name : '' });
    const rule = h('input', { type: 'text', name: 'rule', class: 'mono-input', autocomplete: 'off', spellcheck: 'false',
      placeholder: 'every 15m  ·  0 9 * * 1-5  ·  every day at 09:00', value: timing.rule || '' });
    const zone = h('input', { type: 'text', name: 'timezone', list: 'zones', autocomplete: 'off', value: timing.timezone || browserZone() });
    const zones = h('datalist', { id: 'zones' }, [...new Set([browserZone(), ...COMMON_ZONES])].map(z => h('option', { value: z })));
    const preview = h('div', { class: 'preview', id: 'rule-preview', hidden: true });
    const examples = h('div', { class: 'examples' }, 'Try', RULE_EXAMPLES.map(x => h('button', { type: 'button', onclick: () => { rule.value = x; rule.dispatchEvent(new Event('input')); } }, x)));

    const kindRadios = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Target kind' },
      [['http', 'HTTP request'], ['agent', 'Agent'], ['command', 'Command']].map(([v, l]) =>
        h('label', null, h('input', { type: 'radio', name: 'kind', value: v, checked: v === kind0 }), l)));
    const method = h('select', { name: 'method' }, ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map(m => h('option', { value: m }, m)));
    method.value = t0.kind === 'http' ? (t0.method || 'GET') : 'GET';
    const url = h('input', { type: 'url', name: 'url', placeholder: 'https://example.com/hook', autocomplete: 'off', value: t0.kind === 'http' ? t0.url : '' });
    const body = h('textarea', { name: 'body', class: 'mono-input', placeholder: 'Optional request body', rows: 3, value: t0.kind === 'http' ? (t0.body || '') : '' });
    // A new schedule starts with an agent that asks before dangerous tools (deny_dangerous),
    // never one that runs every tool unattended (allow_all): with none such, nothing is chosen.
    const unattended = a => a.approval_mode === 'allow_all';
    const safe = agents.find(a => !unattended(a));
    const agent = h('select', { name: 'agent' }, agents.length ? [h('option', { value: '' }, 'Choose an agent…'),
      agents.map(a => h('option', { value: a.name, dataset: { approval: a.approval_mode || 'deny_dangerous' } },
        `${a.name} — ${a.model}${unattended(a) ? ' · runs every tool unattended' : ''}`))]
      : h('option', { value: '' }, 'No agents yet'));
    agent.value = safe ? safe.name : '';
    if (t0.kind === 'agent') {
      if (!agents.some(a => a.name === t0.agent)) agent.append(h('option', { value: t0.agent }, t0.agent));
      agent.value = t0.agent;
    }
    const agentWarning = h('div', { class: 'hint text-bad', role: 'note' }, 'This agent runs every allowed tool unattended (approval mode allow_all), dangerous ones included.');
    const prompt = h('textarea', { name: 'prompt', rows: 5, placeholder: 'What the agent should do on every fire', value: t0.kind === 'agent' ? t0.prompt : '' });
    const argv = h('input', { type: 'text', name: 'argv', class: 'mono-input', autocomplete: 'off', spellcheck: 'false', placeholder: './report.sh --since "1 day"',
      value: t0.kind === 'command' ? joinArgs(t0.argv) : '' });
    const d0 = existing ? existing.delivery || { kind: 'none' } : { kind: 'none' };
    const delivery = h('select', { name: 'delivery' }, h('option', { value: 'none' }, 'None — keep results in the run history'),
      h('option', { value: 'stdout' }, 'Print to the server’s standard output'), h('option', { value: 'webhook' }, 'POST to a webhook'),
      !['none', 'stdout', 'webhook'].includes(d0.kind) ? h('option', { value: 'keep' }, `Keep the current ${d0.kind} delivery`) : null);
    delivery.value = ['none', 'stdout', 'webhook'].includes(d0.kind) ? d0.kind : 'keep';
    const webhook = h('input', { type: 'url', name: 'webhook', placeholder: 'https://hooks.example.com/pacer', autocomplete: 'off', value: d0.kind === 'webhook' ? d0.url : '' });
    const notes = h('textarea', { name: 'notes', rows: 2, placeholder: 'Optional: what this schedule is for', value: existing ? existing.notes || '' : '' });

    // Fields, each naming the API paths whose errors it shows.
    const F = {
      name: field('Name', name, { names: ['name'], hint: 'Unique; used by the CLI (pacer schedule show NAME).' }),
      rule: field('Rule', rule, { names: ['rule', 'timing.rule', 'cron', 'every', 'at', 'timing'] }),
      zone: field('Time zone', zone, { names: ['timezone', 'timing.timezone'], hint: 'Rules are read in this zone, so 09:00 stays 09:00 across daylight-saving changes.' }),
      method: field('Method', method, { names: ['target.method'], cls: 'narrow' }),
      url: field('URL', url, { names: ['target.url'] }),
      body: field('Body', body, { names: ['target.body'] }),
      agent: field('Agent', agent, { names: ['target.agent'], hint: agents.length ? null : 'Add an agent first: pacer agents add NAME --provider openai --model …' }),
      prompt: field('Prompt', prompt, { names: ['target.prompt'], hint: 'A template: {{ now }}, {{ item }} and {{ previous_session.last_text }} are filled in.' }),
      argv: field('Command', argv, { names: ['target.argv', 'target.command'], hint: 'Run without a shell; quote arguments with spaces. The server needs --allow-commands.' }),
      delivery: field('Deliver results', delivery, { names: ['delivery', 'delivery.kind'] }),
      webhook: field('Webhook URL', webhook, { names: ['delivery.url'] }),
      notes: field('Notes', notes, { names: ['notes'] }),
    };
    const targetField = keepTarget
      ? field('', h('div', { class: 'muted' }, `This schedule runs a ${t0.kind}; change its target with the CLI (pacer apply -f) or the API. The form keeps it as it is.`), { names: ['target', 'target.kind'] })
      : field('', kindRadios, { names: ['target', 'target.kind'] });
    const panes = {
      http: h('div', { class: 'card-body flush', dataset: { pane: 'http' } }, h('div', { class: 'field-row' }, F.method, F.url), F.body),
      agent: h('div', { class: 'card-body flush', dataset: { pane: 'agent' } }, F.agent, F.prompt),
      command: h('div', { class: 'card-body flush', dataset: { pane: 'command' } }, F.argv),
    };
    const banner = h('div', { class: 'alert', hidden: true, role: 'alert' });
    const submit = h('button', { class: 'btn primary', type: 'submit' }, editing ? 'Save changes' : 'Create schedule');
    const kind = () => (kindRadios.querySelector('input:checked') || {}).value || 'http';
    const showPanes = () => { for (const [k, p] of Object.entries(panes)) p.hidden = keepTarget || k !== kind(); };
    const showWebhook = () => { F.webhook.hidden = delivery.value !== 'webhook'; };
    F.agent.insertBefore(agentWarning, F.agent.querySelector('.field-error'));
    const showAgentWarning = () => { agentWarning.hidden = !agents.some(a => a.name === agent.value && unattended(a)); };
    agent.addEventListener('change', showAgentWarning);
    showAgentWarning();
    kindRadios.addEventListener('change', showPanes);
    delivery.addEventListener('change', showWebhook);
    showPanes(); showWebhook();

    const form = h('form', { class: 'form', novalidate: true, autocomplete: 'off' },
      banner,
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'When')), h('div', { class: 'card-body' },
        F.name, F.rule, examples, preview, F.zone, zones)),
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'What runs')), h('div', { class: 'card-body' },
        targetField, panes.http, panes.agent, panes.command)),
      h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Results')), h('div', { class: 'card-body' },
        F.delivery, F.webhook, F.notes)),
      h('div', { class: 'form-actions' }, submit,
        h('a', { class: 'btn ghost', href: editing ? `#/schedules/${encodeURIComponent(id)}` : '#/schedules' }, 'Cancel')));
    replace(root, h('div', { class: 'page-head' }, h('div', null,
      h('div', { class: 'crumbs' }, link('/schedules', 'Schedules'), ' / ', editing ? [link(`/schedules/${encodeURIComponent(id)}`, existing.name), ' / '] : null),
      h('h1', null, editing ? `Edit ${existing.name}` : 'New schedule'),
      h('div', { class: 'sub' }, editing ? `Saving makes revision ${existing.revision + 1}; earlier ones stay available for rollback.`
        : 'Fire an agent, a URL or a command on a rule.'))), form);

    // Errors: each next to the field that names it; the rest in the banner.
    const all = [...Object.values(F), targetField];
    const clearErrors = only => { for (const f of all) if (!only || only.includes(f)) f.showError(''); if (!only) banner.hidden = true; };
    const fieldFor = path => {
      const p = String(path || '');
      return all.find(f => f.dataset.fields.split(' ').includes(p))
        || all.find(f => f.dataset.fields.split(' ').some(n => n && p.startsWith(n + '.')))
        || (p.startsWith('target') ? targetField : null);
    };
    const showErrors = err => {
      const list = err.fieldErrors();
      const rest = [];
      let first = null;
      for (const fe of list) {
        const f = fieldFor(fe.field);
        if (f && !f.hidden && !f.closest('[hidden]')) { f.showError(fe.message); first = first || f; } else rest.push(fe);
      }
      if (!list.length || rest.length) {
        banner.hidden = false;
        replace(banner, h('span', null, list.length ? rest.map(fe => `${fe.field}: ${fe.message}`).join(' · ') : err.message));
      }
      (first ? first.querySelector('input,select,textarea') : banner).scrollIntoView({ block: 'center', behavior: 'smooth' });
    };

    // Live preview of the rule in the chosen zone.
    let seq = 0;
    const runPreview = async () => {
      const text = rule.value.trim(), tz = zone.value.trim() || 'UTC';
      const mine = ++seq;
      if (!text) { preview.hidden = true; F.rule.showError(''); return; }
      preview.classList.add('stale');
      try {
        const p = await api('POST', '/v1/preview', { rule: text, timezone: tz, count: 5 });
        if (mine !== seq) return;
        F.rule.showError(''); F.zone.showError('');
        preview.hidden = false;
        preview.classList.remove('stale');
        replace(preview, h('div', { class: 'desc', id: 'rule-description' }, p.description || ''),
          h('div', { class: 'muted small mt-4' }, `Next fires in ${p.timezone || tz}:`), firesList(p.next || p.fires || [], p.timezone || tz));
      } catch (e) {
        if (mine !== seq) return;
        preview.hidden = true;
        const f = e.field === 'timezone' ? F.zone : F.rule;
        (f === F.zone ? F.rule : F.zone).showError('');
        f.showError(e.message);
      }
    };
    let debounce = null;
    const queuePreview = () => { clearTimeout(debounce); debounce = setTimeout(runPreview, 300); };
    rule.addEventListener('input', queuePreview);
    zone.addEventListener('input', queuePreview);
    zone.addEventListener('change', queuePreview);
    if (rule.value) runPreview();

    const buildTarget = () => {
      if (keepTarget) return undefined;
      const k = kind();
      const base = t0.kind === k ? Object.assign({}, t0) : {};
      if (k === 'http') return Object.assign(base, { kind: 'http', method: method.value, url: url.value.trim(), body: body.value === '' ? undefined : body.value });
      if (k === 'agent') return Object.assign(base, { kind: 'agent', agent: agent.value, prompt: prompt.value });
      return Object.assign(base, { kind: 'command', argv: splitArgs(argv.value) });
    };
    const buildDelivery = () => {
      if (delivery.value === 'keep') return d0;
      if (delivery.value === 'webhook') return Object.assign(d0.kind === 'webhook' ? Object.assign({}, d0) : {}, { kind: 'webhook', url: webhook.value.trim() });
      return { kind: delivery.value };
    };
    form.addEventListener('submit', async e => {
      e.preventDefault();
      clearErrors();
      const payload = { name: name.value.trim(), rule: rule.value.trim(), timezone: zone.value.trim() || 'UTC', target: buildTarget(), delivery: buildDelivery() };
      const n = notes.value.trim();
      if (n || (existing && existing.notes)) payload.notes = n || null;
      submit.disabled = true;
      try {
        const saved = editing ? await api('PATCH', `/v1/schedules/${encodeURIComponent(id)}`, payload)
          : await api('POST', '/v1/schedules', payload);
        toast(editing ? `Saved ${saved.name}` : `Created ${saved.name}`);
        Names.schedules.set(saved.id, saved.name);
        Router.go(`/schedules/${encodeURIComponent(saved.id)}`);
      } catch (err) {
        if (err instanceof ApiError) showErrors(err); else { banner.hidden = false; replace(banner, String(err)); }
      } finally { submit.disabled = false; }
    });
    (editing ? rule : name).focus();
    return {};
  },
};
