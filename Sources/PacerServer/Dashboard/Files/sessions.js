// ---------- Sessions list ----------
const SESSION_STATES = ['running', 'waiting', 'pending', 'done', 'error', 'cancelled'];
function money(x) { return x == null ? '—' : Number(x).toFixed(4); }
function tokens(i, o) { return `${(i || 0).toLocaleString()} / ${(o || 0).toLocaleString()}`; }
const SessionList = {
  title: 'Sessions',
  async mount(root, _, params) {
    const state = params.get('state') || '', schedule = params.get('schedule') || '';
    await Names.load().catch(() => {});
    const q = s => '/sessions?' + new URLSearchParams(Object.assign(s ? { state: s } : {}, schedule ? { schedule } : {})).toString();
    root.append(h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Sessions'),
      h('div', { class: 'sub' }, schedule ? ['Started by ', link(`/schedules/${encodeURIComponent(schedule)}`, Names.schedule(schedule)), ' · ', link('/sessions', 'all schedules')]
        : 'Agent conversations started by schedules; waiting ones wake themselves up.'))),
      h('div', { class: 'filters', role: 'tablist' }, [['', 'All'], ...SESSION_STATES.map(s => [s, s[0].toUpperCase() + s.slice(1)])].map(([s, l]) =>
        h('a', { href: '#' + q(s).replace(/\?$/, ''), class: s === state ? 'active' : '', role: 'tab' }, l))));
    const body = h('div', null, loading());
    root.append(body);
    const load = async () => {
      const query = new URLSearchParams({ limit: '200' });
      if (state) query.set('state', state);
      if (schedule) query.set('schedule', schedule);
      let list;
      try { list = (await api('GET', '/v1/sessions?' + query)).sessions || []; }
      catch (e) { replace(body, errorBox(e, () => refresh())); return; }
      if (!list.length) {
        replace(body, h('div', { class: 'card' }, emptyState('chat', state ? `No ${state} sessions` : 'No sessions yet',
          state ? 'Pick another state above to see more.' : 'A session starts each time a schedule with an agent target fires. Create one with an Agent target, then press Run now.',
          state ? link('/sessions', 'Show all sessions') : newScheduleLink('New schedule'))));
        return;
      }
      replace(body, h('div', { class: 'card' }, h('div', { class: 'table-wrap' }, h('table', { class: 'table sessions' },
        h('thead', null, h('tr', null, h('th', null, 'Session'), h('th', null, 'State'), h('th', { class: 'hide-sm' }, 'Agent'), h('th', null, 'Schedule'),
          h('th', { class: 'num hide-md' }, 'Turns'), h('th', { class: 'num hide-md' }, 'Tokens in / out'), h('th', { class: 'num hide-sm' }, 'Cost'),
          h('th', null, 'Updated'), h('th', { class: 'hide-md' }, 'Last reply'))),
        h('tbody', null, list.map(s => h('tr', { dataset: { id: s.id, state: s.state } },
          h('td', { class: 'session-cell' }, ident(s.id, `/sessions/${encodeURIComponent(s.id)}`, 'session id'), s.item_key ? h('div', { class: 'cell-sub nowrap' }, 'item ', s.item_key) : null),
          h('td', null, pill(s.state), s.state === 'waiting' && s.resume_at ? h('div', { class: 'cell-sub' }, 'wakes ', when(s.resume_at, 'countdown')) : null),
          h('td', { class: 'hide-sm' }, Names.agent(s.agent_id)),
          h('td', null, s.schedule_id ? link(`/schedules/${encodeURIComponent(s.schedule_id)}`, Names.schedule(s.schedule_id)) : h('span', { class: 'faint' }, '—')),
          h('td', { class: 'num hide-md' }, String(s.turns ?? '')),
          h('td', { class: 'num hide-md nowrap' }, tokens(s.input_tokens, s.output_tokens)),
          h('td', { class: 'num hide-sm' }, money(s.cost)),
          h('td', { class: 'nowrap' }, when(s.updated_at)),
          h('td', { class: 'hide-md' }, h('span', { class: 'ellipsis muted', title: s.last_text || '' }, s.last_text || '')))))))));
    };
    const refresh = refresher(load);
    await load();
    return { refresh(kind) { if (/^(session_|run_finished|poll|tick)/.test(kind)) refresh(); } };
  },
};

// ---------- A session ----------
function prettyJSON(text) {
  if (text == null) return '';
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}
function toolCard(call, result, open) {
  const err = result && result.is_error;
  const d = h('details', { class: 'tool' + (err ? ' error' : ''), dataset: { call: call.id || call.call_id || '' }, open: open.has(call.id || call.call_id) },
    h('summary', null, icon('tool'), h('span', { class: 'name' }, call.name),
      result && result.duration_ms != null ? h('span', { class: 'muted small' }, duration(result.duration_ms)) : null,
      err ? pill('failed', 'error') : result ? null : h('span', { class: 'faint small' }, 'no result')),
    h('div', { class: 'tool-body' }, h('div', null, h('h3', null, 'Arguments'), h('pre', null, prettyJSON(call.arguments))),
      result ? h('div', null, h('h3', null, 'Result'), h('pre', { class: 'result' }, prettyJSON(result.output ?? result.text))) : null));
  d.addEventListener('toggle', () => { const k = d.dataset.call; if (d.open) open.add(k); else open.delete(k); });
  return d;
}
function transcript(session, open) {
  const messages = session.messages || [], log = session.tool_log || [];
  const byCall = new Map();
  for (const m of messages) if (m.role === 'tool' && m.tool_call_id) byCall.set(m.tool_call_id, { text: m.text, is_error: m.is_error });
  const used = new Set();
  for (const t of log) if (t.call_id) { byCall.set(t.call_id, Object.assign({}, byCall.get(t.call_id) || {}, t)); }
  const out = [];
  messages.forEach((m, i) => {
    if (m.role === 'tool' && m.tool_call_id && used.has(m.tool_call_id)) return;
    if (m.role === 'system') {
      out.push(h('div', { class: 'msg system' }, h('details', { class: 'tool' }, h('summary', null, h('span', { class: 'muted' }, 'System prompt')),
        h('div', { class: 'tool-body' }, h('pre', null, m.text || '')))));
      return;
    }
    if (m.role === 'tool') {
      out.push(h('div', { class: 'msg assistant' }, toolCard({ id: m.tool_call_id || 'tool-' + i, name: 'tool result', arguments: '' }, { output: m.text, is_error: m.is_error }, open)));
      return;
    }
    // The first user turn is the rendered prompt; later ones are wake-up prompts the agent left itself.
    const wake = m.role === 'user' && messages.slice(0, i).some(x => x.role === 'user');
    const calls = m.tool_calls || [];
    for (const c of calls) used.add(c.id);
    out.push(h('div', { class: 'msg ' + m.role + (wake ? ' resume' : '') },
      h('div', { class: 'who' }, m.role === 'user' ? (wake ? 'Wake-up prompt' : 'Prompt') : m.role === 'assistant' ? 'Assistant' : m.role),
      m.text ? h('div', { class: 'bubble' }, m.text) : null,
      calls.map(c => toolCard(c, byCall.get(c.id), open))));
  });
  const orphans = log.filter(t => !t.call_id || !used.has(t.call_id));
  if (orphans.length) out.push(h('div', { class: 'msg assistant' }, h('div', { class: 'who' }, 'Other tool calls'), orphans.map((t, i) => toolCard({ id: t.call_id || 'log-' + i, name: t.name, arguments: t.arguments }, t, open))));
  if (!out.length) return emptyState('chat', 'No messages yet', 'The transcript appears once the session has started.');
  return h('div', { class: 'transcript' }, out);
}
function chainView(id, chain) {
  const prev = (chain.sessions || []).filter(s => s.id !== id), next = (chain.next || []).filter(s => s.id !== id);
  if (!prev.length && !next.length) return h('div', { class: 'muted' }, 'This session has no earlier or later session in its chain.');
  const item = s => link(`/sessions/${encodeURIComponent(s.id)}`, pill(s.state, s.id), h('span', { class: 'muted' }, when(s.created_at)));
  const arrow = () => h('span', { class: 'arrow' }, '→');
  const parts = [];
  prev.sort((a, b) => (toMs(a.created_at) || 0) - (toMs(b.created_at) || 0)).forEach(s => parts.push(item(s), arrow()));
  parts.push(h('span', { class: 'current' }, 'this session'));
  next.sort((a, b) => (toMs(a.created_at) || 0) - (toMs(b.created_at) || 0)).forEach(s => parts.push(arrow(), item(s)));
  return h('div', { class: 'chain' }, parts);
}
function eventDetail(detail) {
  const entries = Object.entries(detail || {});
  if (!entries.length) return h('span', { class: 'faint' }, '—');
  return entries.map(([k, v]) => h('span', { class: 'chip' }, `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`));
}
const SessionDetail = {
  title: 'Session',
  async mount(root, [id]) {
    const path = `/v1/sessions/${encodeURIComponent(id)}`;
    root.append(loading());
    await Names.load().catch(() => {});
    let s = await api('GET', path);
    const open = new Set();
    const head = h('div', { class: 'page-head' }), stats = h('div', { class: 'stats' }), chainBody = h('div', { class: 'card-body' }, loading());
    const talk = h('div', { class: 'card-body' }), events = h('div', null);
    replace(root, head, stats,
      h('div', { class: 'card section' }, h('div', { class: 'card-head' }, h('h2', null, 'Chain'), h('span', { class: 'muted' }, 'earlier and later sessions of the same schedule and item')), chainBody),
      h('div', { class: 'card section' }, h('div', { class: 'card-head' }, h('h2', null, 'Transcript')), talk),
      h('div', { class: 'card section' }, h('div', { class: 'card-head' }, h('h2', null, 'Events')), events));
    const draw = () => {
      document.title = `Session ${s.id} · Pacer`;
      const terminal = ['done', 'error', 'cancelled'].includes(s.state);
      const cancel = h('button', { class: 'btn danger', type: 'button', dataset: { action: 'cancel' } }, 'Cancel');
      cancel.onclick = async () => {
        if (!await confirmAction('Cancel this session?', 'It stops now and will not wake again.', 'Cancel session')) return;
        await act(cancel, () => api('POST', `${path}/cancel`, {}), 'Session cancelled').then(() => refresh());
      };
      const resume = h('button', { class: 'btn primary', type: 'button', dataset: { action: 'resume-now' } }, 'Resume now');
      resume.onclick = () => act(resume, () => api('POST', `${path}/resume`, {}), 'Session resumes now').then(() => refresh());
      const scheduleName = s.schedule_name || (s.schedule_id ? Names.schedule(s.schedule_id) : null);
      replace(head, h('div', null,
        h('div', { class: 'crumbs' }, link('/sessions', 'Sessions'), ' / ', s.schedule_id ? [link(`/schedules/${encodeURIComponent(s.schedule_id)}`, scheduleName), ' / '] : null),
        h('div', { class: 'title-row' }, h('h1', null, 'Session ', ident(s.id, null, 'session id')), pill(s.state)),
        h('div', { class: 'sub' }, 'Started ', when(s.created_at), ' · updated ', when(s.updated_at))),
        h('div', { class: 'actions' }, s.state === 'waiting' && Auth.can('run') ? resume : null, terminal || !Auth.can('run') ? null : cancel));
      const rec = s.recurrence;
      const cells = [
        ['State', pill(s.state)],
        ['Agent', s.agent_name || Names.agent(s.agent_id)],
        ['Schedule', s.schedule_id ? link(`/schedules/${encodeURIComponent(s.schedule_id)}`, scheduleName) : '—'],
        s.item_key ? ['Item', h('code', null, s.item_key)] : null,
        ['Tokens in / out', tokens(s.input_tokens, s.output_tokens)],
        ['Cost', money(s.cost)],
        s.state === 'waiting' && s.resume_at ? ['Wakes', when(s.resume_at, 'countdown')] : null,
        s.resume_prompt && !terminal ? ['Wake-up prompt', h('span', { class: 'plain' }, s.resume_prompt), true] : null,
        rec ? ['Recurrence', `every ${span(rec.every_seconds)} · ${rec.runs_done}${rec.max_runs ? ' / ' + rec.max_runs : ''} runs${rec.until ? ' · until ' + exactText(toMs(rec.until)) : ''}`, true] : null,
      ].filter(Boolean);
      replace(stats, cells.map(([k, v, wide]) => h('div', { class: 'stat' + (wide ? ' wide' : '') }, h('div', { class: 'label' }, k), h('div', { class: 'value' }, v))));
      replace(talk, transcript(s, open));
      const evs = (s.events || []).slice().sort((a, b) => (toMs(b.at) || 0) - (toMs(a.at) || 0));
      replace(events, evs.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table events' },
        h('thead', null, h('tr', null, h('th', null, 'When'), h('th', null, 'Event'), h('th', null, 'Detail'))),
        h('tbody', null, evs.map(e => h('tr', null, h('td', { class: 'nowrap' }, when(e.at)),
          h('td', null, h('span', { class: 'chip' + (/cap_exceeded|error|denied/.test(e.kind) ? ' text-bad' : '') }, e.kind)), h('td', null, eventDetail(e.detail)))))))
        : h('div', { class: 'card-body muted' }, 'No events recorded.'));
    };
    const loadChain = async () => {
      try { replace(chainBody, chainView(s.id, await api('GET', `${path}/chain`))); }
      catch (e) { replace(chainBody, errorBox(e)); }
    };
    const load = async () => { s = await api('GET', path); draw(); await loadChain(); };
    const refresh = refresher(load);
    draw();
    await loadChain();
    return { refresh(kind) { if (/^(session_|run_finished|poll)/.test(kind)) refresh(); } };
  },
};

// ---------- Agents ----------
const AgentList = {
  title: 'Agents',
  async mount(root) {
    root.append(h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Agents'),
      h('div', { class: 'sub' }, 'Models that schedules with an agent target talk to. Manage them with pacer agents add | edit | rm.'))));
    const body = h('div', null, loading());
    root.append(body);
    const load = async () => {
      let list;
      try { list = (await api('GET', '/v1/agents')).agents || []; }
      catch (e) { replace(body, errorBox(e, () => refresh())); return; }
      if (!list.length) {
        replace(body, h('div', { class: 'card' }, emptyState('bot', 'No agents yet',
          'An agent names a model provider, a model and the tools it may use. Add one from a terminal, for example:',
          h('code', null, 'pacer agents add local --provider openai --base-url http://127.0.0.1:11434/v1 --model llama3.1'))));
        return;
      }
      replace(body, h('div', { class: 'card' }, h('div', { class: 'table-wrap' }, h('table', { class: 'table agents' },
        h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Provider'), h('th', null, 'Model'), h('th', { class: 'hide-md' }, 'Base URL'),
          h('th', { class: 'hide-sm' }, 'Key variable'), h('th', { class: 'hide-sm' }, 'Tools'), h('th', null, 'Approval'))),
        h('tbody', null, list.map(a => h('tr', { dataset: { id: a.id, name: a.name } },
          h('td', null, h('div', { class: 'cell-main' }, a.name), a.system_prompt ? h('div', { class: 'cell-sub ellipsis', title: a.system_prompt }, a.system_prompt) : null),
          h('td', null, h('span', { class: 'chip kind' }, a.provider)),
          h('td', null, h('code', null, a.model)),
          h('td', { class: 'hide-md' }, h('span', { class: 'mono small' }, a.base_url || '—')),
          h('td', { class: 'hide-sm' }, a.api_key_env ? h('code', null, a.api_key_env) : h('span', { class: 'faint' }, 'none')),
          h('td', { class: 'hide-sm' }, (a.tools || []).length ? a.tools.map(t => h('span', { class: 'chip' }, t)) : h('span', { class: 'faint' }, 'none')),
          h('td', null, pill(a.approval_mode === 'allow_all' ? 'waiting' : 'enabled', (a.approval_mode || '').replace(/_/g, ' '))))))))));
    };
    const refresh = refresher(load);
    await load();
    return { refresh(kind) { if (/^(agent_|poll)/.test(kind)) refresh(); } };
  },
};
