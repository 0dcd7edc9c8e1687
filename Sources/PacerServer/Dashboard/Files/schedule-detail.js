// ---------- A schedule's page ----------
function describeTarget(t) {
  if (!t) return '—';
  const rows = [['Kind', h('span', { class: 'chip kind' }, t.kind)]];
  if (t.kind === 'agent') {
    rows.push(['Agent', t.agent], ['Prompt', h('pre', null, t.prompt || '')]);
  } else if (t.kind === 'http') {
    rows.push(['Request', h('code', null, `${t.method || 'GET'} ${t.url}`)]);
    const hdrs = Object.keys(t.headers || {}).concat(Object.keys(t.headers_from_env || {}).map(k => k + ' (from env)'));
    if (hdrs.length) rows.push(['Headers', hdrs.join(', ')]);
    if (t.body) rows.push(['Body', h('pre', null, t.body)]);
  } else if (t.kind === 'command') {
    rows.push(['Command', h('code', null, (t.argv || []).join(' '))]);
    if (t.working_dir) rows.push(['Directory', h('code', null, t.working_dir)]);
  } else {
    rows.push(['Definition', h('pre', null, JSON.stringify(t, null, 2))]);
  }
  return rows;
}
function describeDelivery(d) {
  if (!d || d.kind === 'none') return 'none';
  if (d.kind === 'webhook') return h('span', null, 'webhook ', h('code', null, d.url));
  if (d.kind === 'log') return h('span', null, 'log file ', h('code', null, d.path));
  if (d.kind === 'email') return `email to ${(d.to || []).join(', ')}`;
  return d.kind;
}
// Label and value pairs; a row's third member names it (data-prop) and its fourth explains it.
function props(rows) {
  return h('dl', { class: 'props' }, rows.filter(Boolean).map(([k, v, key, hint]) => [h('dt', { dataset: key ? { prop: key } : null, title: hint }, k),
    h('dd', { dataset: key ? { prop: key } : null }, v == null || v === '' ? '—' : v)]));
}
// A schedule's session caps (its agent sessions' limits), or the server's defaults.
function describeCaps(c) {
  const parts = [];
  if (!c) c = {};
  if (c.max_resumes != null) parts.push(`at most ${c.max_resumes} resume${c.max_resumes === 1 ? '' : 's'}`);
  if (c.max_lifetime_hours != null) parts.push(`lives at most ${c.max_lifetime_hours} h`);
  if (c.max_total_tokens != null) parts.push(`at most ${Number(c.max_total_tokens).toLocaleString('en-US')} tokens`);
  if (c.max_cost != null) parts.push(`costs at most ${c.max_cost}`);
  return parts.length ? parts.join(' · ') + (parts.length < 4 ? ' (the rest: server defaults)' : '') : h('span', { class: 'muted' }, 'server defaults');
}
function excerpt(text, bad) {
  if (!text) return h('span', { class: 'faint' }, '—');
  const t = String(text);
  if (t.length <= 70 && !t.includes('\n')) return h('span', { class: bad ? 'text-bad' : '' }, t);
  return h('details', { class: 'excerpt' }, h('summary', { class: bad ? 'text-bad' : '' }, truncate(t.split('\n')[0], 70)), h('pre', null, t));
}
function runsTable(runs, { showSchedule = false } = {}) {
  if (!runs.length) return emptyState('play', 'No runs yet', 'Runs appear here as the schedule fires, or when you press Run now.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table runs' },
    h('thead', null, h('tr', null, h('th', null, 'Status'), showSchedule ? h('th', null, 'Schedule') : null, h('th', { class: 'hide-sm' }, 'Trigger'),
      h('th', null, 'Scheduled'), h('th', { class: 'hide-md' }, 'Started'), h('th', { class: 'hide-md' }, 'Finished'),
      h('th', { class: 'num' }, 'Duration'), h('th', null, 'Output'), h('th', null, 'Session'))),
    h('tbody', null, runs.map(r => h('tr', { dataset: { runId: r.id, status: r.status } },
      h('td', null, pill(r.status), r.step > 0 ? h('span', { class: 'muted small' }, ` step ${r.step}`) : null, r.attempt > 1 ? h('span', { class: 'muted small' }, ` try ${r.attempt}`) : null),
      showSchedule ? h('td', null, link(`/schedules/${encodeURIComponent(r.schedule_id)}`, Names.schedule(r.schedule_id))) : null,
      h('td', { class: 'hide-sm' }, r.trigger, r.item_key ? h('div', { class: 'cell-sub' }, 'item ', h('code', null, r.item_key)) : null),
      h('td', null, when(r.scheduled_at)),
      h('td', { class: 'hide-md' }, when(r.started_at)),
      h('td', { class: 'hide-md' }, when(r.finished_at)),
      h('td', { class: 'num nowrap' }, r.started_at ? (r.finished_at ? duration(between(r.started_at, r.finished_at)) : 'running…') : '—'),
      h('td', null, r.error ? excerpt(r.error, true) : excerpt(r.output), r.delivery_error ? h('div', { class: 'text-bad small' }, 'delivery: ' + r.delivery_error) : null),
      h('td', { class: 'session-cell' }, r.session_id ? ident(r.session_id, `/sessions/${encodeURIComponent(r.session_id)}`, 'session id') : h('span', { class: 'faint' }, '—')))))));
}
function firesList(instants, zone) {
  if (!instants || !instants.length) return h('div', { class: 'faint' }, 'No upcoming fires.');
  return h('ul', { class: 'plain fires' }, instants.map(t => {
    const ms = toMs(t);
    return h('li', null, zonedTime(ms, zone), h('span', { class: 'muted' }, when(ms, 'countdown', zone)));
  }));
}
const ScheduleDetail = {
  title: 'Schedule',
  async mount(root, [id]) {
    const path = `/v1/schedules/${encodeURIComponent(id)}`;
    root.append(loading());
    let s = await api('GET', path);
    document.title = s.name + ' · Pacer';
    clear(root);
    const head = h('div', { class: 'page-head' });
    const overview = h('div', { class: 'grid' });
    const definition = h('div', { class: 'card-body' });
    const runsBody = h('div', null, loading());
    const itemsCard = h('div', { class: 'card', hidden: true });
    const revBody = h('div', null, loading());
    root.append(head, overview,
      h('div', { class: 'card section', id: 'runs' }, h('div', { class: 'card-head' }, h('h2', null, 'Run history'), h('span', { class: 'muted' }, 'latest 50')), runsBody),
      itemsCard,
      h('div', { class: 'card section' }, h('div', { class: 'card-head' }, h('h2', null, 'Definition')), definition),
      h('div', { class: 'card section' }, h('div', { class: 'card-head' }, h('h2', null, 'Revisions'), h('span', { class: 'muted' }, 'every save is kept; roll back to any')), revBody));
    const after = kind => { if (kind === 'deleted') Router.go('/schedules'); else refresh(); };
    let preview = null, previewKey = '';
    const drawHead = () => {
      const st = stateOf(s);
      replace(head,
        h('div', null, h('div', { class: 'crumbs' }, link('/schedules', 'Schedules'), ' / '),
          h('div', { class: 'title-row' }, h('h1', null, s.name), statePill(s)),
          h('div', { class: 'sub' }, s.description || '', st.paused_reason ? h('span', { class: 'text-bad' }, ` · paused: ${st.paused_reason}`) : null,
            s.owner ? h('span', { class: 'owner-line' }, s.description || st.paused_reason ? ' · ' : '', 'owned by ', h('b', { dataset: { owner: s.owner } }, s.owner)) : null)),
        h('div', { class: 'actions' }, scheduleActions(s, after, { compact: false, edit: true })));
      const zone = s.timing && s.timing.timezone;
      replace(overview,
        h('div', { class: 'card' }, h('div', { class: 'card-body' }, h('h3', null, 'Next fire'),
          h('div', { class: 'big-countdown next-fire' }, nextFireCell(s)),
          st.next_fire_at && !isPaused(s) ? h('div', { class: 'muted small next-fire-at' }, zonedTime(st.next_fire_at, zone)) : null,
          preview && preview.length && !isPaused(s) ? h('div', { class: 'then' }, h('h3', null, 'Then'), firesList(preview.slice(0, 4), zone)) : null)),
        h('div', { class: 'card' }, h('div', { class: 'card-body' }, h('h3', null, 'State'), props([
          ['Last status', st.last_status ? pill(st.last_status) : h('span', { class: 'faint' }, 'never ran')],
          ['Last run', when(st.last_fire_at), 'last-run', 'When the latest finished run was due, whatever started it: the rule, Run now or a backfill'],
          ['Scheduled fires', h('span', null, String(st.fire_count ?? 0), ' ', h('span', { class: 'hint-inline' }, 'by the rule; Run now and backfill runs not counted')),
            'fire-count', 'Fires of the rule the scheduler claimed; Run now and backfill runs are in the run history, not in this count'],
          ['Failures in a row', String(st.consecutive_failures ?? 0)],
        ]))));
      const t = s.timing || {}, p = s.policies || {}, d = s.dispatch || {};
      replace(definition, props([
        ['Rule', h('span', null, h('code', null, t.rule), ' ', h('span', { class: 'muted' }, s.description || ''))],
        ['Time zone', t.timezone],
        t.starts_at ? ['Starts', when(t.starts_at)] : null,
        t.ends_at ? ['Ends', when(t.ends_at)] : null,
        t.max_fires ? ['At most', `${t.max_fires} fires`] : null,
        t.jitter ? ['Jitter', `up to ${t.jitter} s`] : null,
        ...describeTarget(s.target),
        ['Dispatch', d.mode === 'per_item' ? h('span', null, 'one run per item', d.source ? ` from ${d.source.kind}` : '',
          d.max_items_per_fire ? ` (at most ${d.max_items_per_fire} a fire)` : '') : 'single'],
        ['Delivery', describeDelivery(s.delivery)],
        ['Policies', [p.overlap && `overlap: ${p.overlap}`, p.misfire && `misfire: ${p.misfire}`, p.retry && p.retry.max_attempts > 1 && `retry: ${p.retry.max_attempts} attempts`,
          p.timeout_seconds && `timeout ${duration(p.timeout_seconds * 1000)}`, p.pause_after_failures && `pause after ${p.pause_after_failures} failures`].filter(Boolean).join(' · ')],
        s.notes ? ['Notes', s.notes] : null,
        ['Session caps', describeCaps(s.caps), 'caps', 'Limits of the agent sessions this schedule starts'],
        ['Owner', s.owner, 'owner', 'Runs with this token\u2019s scopes, never more'], ['Revision', String(s.revision)], ['Created', when(s.created_at)], ['Updated', when(s.updated_at)],
        ['ID', h('code', null, s.id)],
      ]));
    };
    // The fires after the next one: the rule previewed from the next fire (which is also the
    // anchor of an interval rule, so they line up with the schedule's own).
    const loadPreview = async () => {
      const next = stateOf(s).next_fire_at;
      if (!next || isPaused(s)) { preview = null; previewKey = ''; return; }
      const key = `${s.timing.rule}|${s.timing.timezone}|${next}`;
      if (key === previewKey) return;
      try {
        const p = await api('POST', '/v1/preview', { rule: s.timing.rule, timezone: s.timing.timezone, count: 4, from: next });
        preview = p.next || p.fires || [];
        previewKey = key;
      } catch (e) { preview = null; }
    };
    const loadRuns = async () => {
      try {
        const data = await api('GET', `${path}/runs?limit=50`);
        replace(runsBody, runsTable(data.runs || []));
      } catch (e) { replace(runsBody, h('div', { class: 'card-body' }, errorBox(e))); }
    };
    const loadItems = async () => {
      if (!s.dispatch || s.dispatch.mode !== 'per_item') { itemsCard.hidden = true; return; }
      itemsCard.hidden = false;
      let items;
      try { items = (await api('GET', `${path}/items`)).items || []; }
      catch (e) { replace(itemsCard, h('div', { class: 'card-body' }, errorBox(e))); return; }
      replace(itemsCard, h('div', { class: 'card-head' }, h('h2', null, 'Items'), h('span', { class: 'muted' }, `${items.length} item${items.length === 1 ? '' : 's'}`)),
        items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table items' },
          h('thead', null, h('tr', null, h('th', null, 'Item'), h('th', { class: 'num' }, 'Runs'), h('th', null, 'Last status'), h('th', null, 'Last run'), h('th', null, 'Sessions'))),
          h('tbody', null, items.map(it => h('tr', { dataset: { item: it.item_key } },
            h('td', null, h('code', null, it.item_key)), h('td', { class: 'num' }, String(it.runs ?? '')),
            h('td', null, it.last_status ? pill(it.last_status) : '—'),
            h('td', null, when(it.last_run && (it.last_run.finished_at || it.last_run.scheduled_at) || it.last_run)),
            h('td', null, (it.sessions || []).slice(0, 6).map(x => [link(`/sessions/${encodeURIComponent(x.id)}`, pill(x.state, x.id)), ' '])))))))
          : emptyState('list', 'No items yet', 'Items appear after the first fire reads the item source.'));
    };
    const loadRevisions = async () => {
      let revs;
      try { revs = (await api('GET', `${path}/revisions`)).revisions || []; }
      catch (e) { replace(revBody, h('div', { class: 'card-body' }, errorBox(e))); return; }
      revs.sort((a, b) => b.revision - a.revision);
      replace(revBody, h('div', { class: 'table-wrap' }, h('table', { class: 'table revisions' },
        h('thead', null, h('tr', null, h('th', null, 'Revision'), h('th', null, 'Saved'), h('th', null, 'By'), h('th', { class: 'hide-sm' }, 'Rule and target'), h('th', null, ''))),
        h('tbody', null, revs.map(r => {
          const snap = r.snapshot || {};
          const current = r.revision === s.revision;
          const btn = current ? h('span', { class: 'pill ok' }, 'current') : Auth.can('write') ? h('button', { class: 'btn small', type: 'button', dataset: { action: 'rollback' } }, 'Roll back to this') : null;
          if (btn && !current) btn.onclick = async () => {
            if (!await dialog({ title: `Roll back to revision ${r.revision}?`, text: 'The schedule is saved again with that revision\u2019s definition; nothing is lost, the current one stays in the history.', ok: 'Roll back' })) return;
            const res = await act(btn, () => api('POST', `${path}/rollback`, { revision: r.revision }), `Rolled back to revision ${r.revision}`);
            if (res !== undefined) { previewKey = ''; refresh(); }
          };
          return h('tr', { dataset: { revision: String(r.revision) } }, h('td', null, h('b', null, `#${r.revision}`)), h('td', null, when(r.created_at)), h('td', null, r.author || '—'),
            h('td', { class: 'hide-sm' }, h('details', { class: 'excerpt' }, h('summary', null, h('code', null, (snap.timing || {}).rule || ''), ' → ', targetText(snap.target)),
              h('pre', null, JSON.stringify(snap, null, 2)))),
            h('td', { class: 'actions-cell' }, btn));
        })))));
    };
    const load = async () => {
      try { s = await api('GET', path); }
      catch (e) {
        if (e.status === 404) { replace(root, emptyState('gone', 'This schedule is gone', 'It was deleted.', link('/schedules', 'Back to schedules'))); return; }
        throw e;
      }
      await loadPreview();
      drawHead();
      await Promise.all([loadRuns(), loadItems(), loadRevisions()]);
    };
    const refresh = refresher(load);
    await loadPreview();
    drawHead();
    await Promise.all([loadRuns(), loadItems(), loadRevisions()]);
    return { refresh(kind) { if (/^(schedule_|run_|poll|tick|session_)/.test(kind)) refresh(); } };
  },
};
