'use strict';
/* Pacer dashboard. Plain JavaScript, no dependencies: everything comes from /v1. */

// ---------- Elements ----------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') value = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'open') el[k] = true;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}
function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
function replace(el, ...children) { return append(clear(el), children); }
function link(path, ...children) { return h('a', { href: '#' + path }, ...children); }
// Copies text to the clipboard (the Clipboard API, else a selected hidden text area).
async function copyText(text) {
  try {
    if (navigator.clipboard && navigator.clipboard.writeText) { await navigator.clipboard.writeText(text); return true; }
  } catch (e) { /* not allowed here: fall back */ }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
  area.remove();
  return ok;
}
// An identifier shown whole: a click selects all of it, the button beside it copies it.
function ident(id, href, what = 'id') {
  const text = h('code', { class: 'ident-text', title: id }, id);
  const copy = h('button', { class: 'copy-btn', type: 'button', title: `Copy ${what}`, 'aria-label': `Copy ${what} ${id}`, dataset: { copy: id } }, icon('copy'));
  copy.addEventListener('click', async e => {
    e.preventDefault(); e.stopPropagation();
    const ok = await copyText(id);
    copy.classList.toggle('copied', ok);
    toast(ok ? `Copied ${id}` : 'Could not copy: click the id to select it, then copy', ok ? null : 'bad');
    setTimeout(() => copy.classList.remove('copied'), 1500);
  });
  return h('span', { class: 'ident', dataset: { id } }, href ? h('a', { href: '#' + href }, text) : text, copy);
}
function truncate(text, n) { text = String(text ?? ''); return text.length > n ? text.slice(0, n - 1) + '…' : text; }

// ---------- Time ----------
function toMs(t) {
  if (t == null || t === '') return null;
  if (typeof t === 'number') return t < 1e12 ? t * 1000 : t;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}
function span(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const d = Math.floor(seconds / 86400), hr = Math.floor(seconds % 86400 / 3600);
  const m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
function countdownText(ms, now = Date.now()) {
  if (ms == null) return '—';
  const left = Math.ceil((ms - now) / 1000);
  return left <= 0 ? 'due now' : 'in ' + span(left);
}
function relativeText(ms, now = Date.now()) {
  if (ms == null) return '—';
  const diff = (ms - now) / 1000;
  if (diff > 1) return 'in ' + span(Math.ceil(diff));
  const ago = -diff;
  if (ago < 10) return 'just now';
  if (ago < 60) return `${Math.floor(ago)} s ago`;
  if (ago < 3600) return `${Math.floor(ago / 60)} min ago`;
  if (ago < 86400) return `${Math.floor(ago / 3600)} h ago`;
  if (ago < 30 * 86400) return `${Math.floor(ago / 86400)} d ago`;
  return new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium' });
}
function exactText(ms, zone) {
  if (ms == null) return '';
  const opts = { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' };
  if (zone) opts.timeZone = zone;
  try { return new Intl.DateTimeFormat(undefined, opts).format(new Date(ms)); }
  catch (e) { return new Date(ms).toISOString(); }
}
// The absolute instant: "2026-01-06 03:30:00 UTC".
function utcText(ms) { return ms == null ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'); }
// An instant as the wall clock of `zone` (a schedule's timing.timezone) reads it, naming the
// zone: "Tue, Jan 6, 2026, 09:00 Asia/Kolkata" (seconds only when the instant has some).
function zonedText(ms, zone) {
  if (ms == null) return '';
  const opts = { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (ms % 60000) opts.second = '2-digit';
  try { return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone || 'UTC' }, opts)).format(new Date(ms)) + ' ' + (zone || 'UTC'); }
  catch (e) { return utcText(ms); }
}
// A time in the schedule's zone, with the UTC instant on hover.
function zonedTime(t, zone) {
  const ms = toMs(t);
  if (ms == null) return h('span', { class: 'faint' }, '—');
  return h('time', { class: 'zoned', datetime: new Date(ms).toISOString(), title: utcText(ms), dataset: { zone: zone || 'UTC' } }, zonedText(ms, zone));
}
// A live time: 'countdown' ticks toward an instant, 'relative' reads "3 min ago"; the exact
// instant (in `zone` when given) and the UTC one are in the tooltip.
function when(t, mode = 'relative', zone) {
  const ms = toMs(t);
  if (ms == null) return h('span', { class: 'faint' }, '—');
  const el = h('time', { datetime: new Date(ms).toISOString(), title: (zone ? zonedText(ms, zone) : exactText(ms)) + ' · ' + utcText(ms),
    class: mode === 'countdown' ? 'countdown' : 'rel', dataset: { live: mode, at: String(ms) } });
  el.textContent = mode === 'countdown' ? countdownText(ms) : relativeText(ms);
  return el;
}
function duration(ms) {
  if (ms == null || Number.isNaN(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return span(ms / 1000).replace(/ 0[smh]$/, '');
}
function between(a, b) { const x = toMs(a), y = toMs(b); return x == null || y == null ? null : y - x; }

// ---------- Pills ----------
const TONES = {
  succeeded: 'ok', done: 'ok', enabled: 'ok', ok: 'ok',
  failed: 'bad', timed_out: 'bad', error: 'bad', abandoned: 'bad',
  running: 'run', queued: 'run', pending: 'run', held: 'run',
  waiting: 'warn', paused: 'warn', missed: 'warn',
  skipped: 'idle', cancelled: 'idle', disabled: 'idle', never: 'idle',
};
function pill(status, label, title) {
  const s = String(status || 'never');
  return h('span', { class: 'pill ' + (TONES[s] || 'idle'), dataset: { status: s }, title }, label || s.replace(/_/g, ' '));
}

// ---------- Messages ----------
function toast(text, tone) {
  const el = h('div', { class: 'toast' + (tone ? ' ' + tone : '') }, text);
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), tone === 'bad' ? 7000 : 3500);
}
function errorBox(err, retry) {
  return h('div', { class: 'alert', role: 'alert' },
    h('span', null, err && err.message ? err.message : String(err)),
    retry ? h('button', { class: 'btn small', type: 'button', onclick: retry }, 'Try again') : null);
}
// Line icons drawn with SVG (no icon font, no emoji font needed).
const ICONS = {
  clock: '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
  chat: '<path d="M4 5h16v11H9l-5 4z"/>',
  bot: '<rect x="5" y="8" width="14" height="11" rx="3"/><path d="M12 4v4M9 13h.01M15 13h.01"/>',
  tool: '<path d="M14.7 6.3a4 4 0 0 0-5.4 5.4L4 17l3 3 5.3-5.3a4 4 0 0 0 5.4-5.4l-2.6 2.6-2.4-.6-.6-2.4z"/>',
  list: '<path d="M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01"/>',
  play: '<path d="M7 5l12 7-12 7z"/>',
  pause: '<path d="M9 5v14M15 5v14"/>',
  bolt: '<path d="M13 3L5 14h6l-1 7 8-11h-6z"/>',
  search: '<circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/>',
  gone: '<path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13"/>',
  copy: '<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V5a2 2 0 0 1 2-2h8"/>',
};
function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.innerHTML = ICONS[name] || '';
  return svg;
}
function emptyState(iconName, title, text, ...actions) {
  return h('div', { class: 'empty' }, h('div', { class: 'icon-box' }, icon(iconName)), h('h2', null, title), h('p', null, text),
    actions.length ? h('div', { class: 'actions centered' }, actions) : null);
}
function loading(text = 'Loading…') { return h('div', { class: 'loading' }, text); }
// A dialog that resolves with the submitted input's value (or true), or null when dismissed.
function dialog({ title, text, input, ok = 'OK', danger = false }) {
  return new Promise(resolve => {
    const field = input ? h('input', Object.assign({ type: 'text', autocomplete: 'off' }, input)) : null;
    const d = h('dialog', null);
    const close = v => { d.close(); d.remove(); resolve(v); };
    d.append(h('form', { method: 'dialog', onsubmit: e => { e.preventDefault(); close(field ? field.value.trim() : true); } },
      h('h2', null, title), text ? h('div', { class: 'muted' }, text) : null, field,
      h('div', { class: 'dialog-actions' },
        h('button', { class: 'btn', type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { class: 'btn ' + (danger ? 'danger solid' : 'primary'), type: 'submit' }, ok))));
    d.addEventListener('cancel', e => { e.preventDefault(); close(null); });
    document.body.append(d);
    d.showModal();
    (field || d.querySelector('button[type=submit]')).focus();
  });
}
function confirmAction(title, text, ok) { return dialog({ title, text, ok, danger: true }); }
