// ---------- Schedules: shared ----------
function isPaused(s) { return s.enabled === false || !!(s.state && s.state.paused_reason); }
function stateOf(s) { return s.state || {}; }
function targetKind(t) { return (t && t.kind) || 'unknown'; }
function targetText(t) {
  if (!t) return '';
  switch (t.kind) {
    case 'agent': return Names.agent(t.agent) || t.agent;
    case 'http': return `${t.method || 'GET'} ${t.url || ''}`;
    case 'command': return (t.argv || []).join(' ');
    case 'workflow': return t.workflow_id || '';
    default: return t.kind || '';
  }
}
function targetCell(t) {
  return h('div', { class: 'nowrap target' }, h('span', { class: 'chip kind' }, targetKind(t)), ' ',
    h('span', { class: 'mono small target-text', title: targetText(t) }, targetText(t)));
}
function statePill(s) {
  if (!isPaused(s)) return pill('enabled');
  const reason = stateOf(s).paused_reason;
  return pill('paused', 'paused', reason ? 'Paused: ' + reason : 'Paused');
}
function lastRunCell(s) {
  const st = stateOf(s);
  if (!st.last_status && !st.last_fire_at) return h('span', { class: 'faint' }, 'never ran');
  return h('div', { class: 'nowrap' }, st.last_status ? pill(st.last_status) : null, ' ',
    st.last_fire_at ? h('span', { class: 'muted small hide-sm' }, when(st.last_fire_at)) : null);
}
function nextFireCell(s) {
  const st = stateOf(s);
  if (isPaused(s)) return h('span', { class: 'faint' }, 'paused');
  if (!st.next_fire_at) return h('span', { class: 'faint', title: 'The rule has no more fires' }, 'no more fires');
  return when(st.next_fire_at, 'countdown', s.timing && s.timing.timezone);
}
// Run now (run scope), Pause/Resume, Edit and Delete (write scope): the same on the list (as
// icons) and on a schedule's page, each only when the caller's token may use it.
function scheduleActions(s, after, { compact = true, edit = false } = {}) {
  const cls = 'btn' + (compact ? ' small icon-btn' : '');
  const paused = isPaused(s);
  const button = (label, iconName, extra, title) => h('button', { class: cls + (extra ? ' ' + extra : ''), type: 'button',
    title: title || label, 'aria-label': `${label} ${s.name}`, dataset: { action: label.toLowerCase().replace(/ /g, '-') } },
    compact ? icon(iconName) : label);
  const run = button('Run now', 'bolt', '', 'Run now: fire once, outside the rule');
  run.onclick = () => act(run, () => api('POST', `/v1/schedules/${encodeURIComponent(s.id)}/run`, {}), `Run of ${s.name} queued`).then(after);
  const toggle = button(paused ? 'Resume' : 'Pause', paused ? 'play' : 'pause');
  toggle.onclick = () => act(toggle, () => api('POST', `/v1/schedules/${encodeURIComponent(s.id)}/${paused ? 'resume' : 'pause'}`, {}),
    `${s.name} ${paused ? 'resumed' : 'paused'}`).then(after);
  const del = button('Delete', 'gone', 'danger');
  del.onclick = async () => {
    const ok = await confirmAction(`Delete ${s.name}?`, 'The schedule stops firing and is removed with its run history. This cannot be undone.', 'Delete schedule');
    if (!ok) return;
    const res = await act(del, () => api('DELETE', `/v1/schedules/${encodeURIComponent(s.id)}`), `${s.name} deleted`);
    if (res !== undefined) after('deleted');
  };
  const write = Auth.can('write');
  return [Auth.can('run') ? run : null, write ? toggle : null,
    edit && write ? h('a', { class: cls, href: `#/schedules/${encodeURIComponent(s.id)}/edit`, dataset: { action: 'edit' } }, 'Edit') : null,
    write ? del : null];
}
// The link to the form, for callers that may create schedules.
function newScheduleLink(label, cls = 'btn primary') {
  return Auth.can('write') ? h('a', { class: cls, href: '#/schedules/new' }, label) : null;
}

// ---------- Schedules list ----------
const ScheduleList = {
  title: 'Schedules',
  async mount(root) {
    const sub = h('div', { class: 'sub' }, '');
    root.append(h('div', { class: 'page-head' },
      h('div', null, h('h1', null, 'Schedules'), sub),
      h('div', { class: 'actions' }, newScheduleLink('+ New schedule'))));
    const body = h('div', null, loading());
    root.append(body);
    const load = async () => {
      let data;
      try { data = await api('GET', '/v1/schedules'); }
      catch (e) { replace(body, errorBox(e, () => refresh())); return; }
      const list = data.schedules || [];
      for (const s of list) Names.schedules.set(s.id, s.name);
      const paused = list.filter(isPaused).length;
      sub.textContent = list.length ? `${list.length} schedule${list.length === 1 ? '' : 's'}${paused ? ` · ${paused} paused` : ''}` : '';
      if (!list.length) {
        replace(body, h('div', { class: 'card' }, emptyState('clock', 'No schedules yet',
          'A schedule runs an agent, calls a URL or runs a command on a rule such as “every 15m” or “0 9 * * 1-5”. Create one here, or from a terminal with pacer schedule add.',
          newScheduleLink('Create a schedule'))));
        return;
      }
      const rows = list.map(s => h('tr', { dataset: { id: s.id, name: s.name } },
        h('td', null, h('a', { class: 'cell-main', href: `#/schedules/${encodeURIComponent(s.id)}` }, s.name),
          h('div', { class: 'cell-sub' }, targetCell(s.target))),
        h('td', { class: 'hide-md rule-cell' }, h('div', null, s.description || ''),
          h('div', { class: 'cell-sub' }, h('code', null, s.timing ? s.timing.rule : ''), ' ', s.timing ? s.timing.timezone : '')),
        h('td', { class: 'hide-lg' }, statePill(s)),
        h('td', { class: 'last-run' }, lastRunCell(s)),
        h('td', { class: 'next-fire' }, nextFireCell(s)),
        h('td', { class: 'actions-cell hide-sm' }, h('div', { class: 'row-actions' }, scheduleActions(s, () => refresh())))));
      replace(body, h('div', { class: 'card' }, h('div', { class: 'table-wrap' }, h('table', { class: 'table schedules' },
        h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', { class: 'hide-md' }, 'Rule'),
          h('th', { class: 'hide-lg' }, 'State'), h('th', null, 'Last run'), h('th', null, 'Next fire'), h('th', { class: 'hide-sm' }, ''))),
        h('tbody', null, rows)))));
    };
    const refresh = refresher(load);
    await load();
    return { refresh(kind) { if (/^(schedule_|run_|poll|tick|agent_)/.test(kind)) refresh(); } };
  },
};
