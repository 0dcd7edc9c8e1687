// ---------- Live updates ----------
// Reads server-sent events from a stream of text: feed it chunks, it calls `onEvent` with
// {type, data, id} for each complete event, and `onRetry` with the reconnection delay.
class SSEParser {
  constructor(onEvent, onRetry) {
    this.onEvent = onEvent; this.onRetry = onRetry;
    this.buffer = ''; this.type = ''; this.data = []; this.id = null; this.skipLF = false;
  }
  push(text) {
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      if (c === '\n' && this.skipLF && i === start) { start = i + 1; this.skipLF = false; continue; }
      this.skipLF = c === '\r';
      this.line(this.buffer.slice(start, i));
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }
  line(line) {
    if (line === '') {
      const event = { type: this.type || 'message', data: this.data.join('\n'), id: this.id };
      const any = this.data.length > 0;
      this.type = ''; this.data = [];
      if (any || event.id != null) this.onEvent(event, any);
      return;
    }
    if (line[0] === ':') return; // a comment (the keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') { if (!value.includes('\0')) this.id = value; }
    else if (field === 'retry') { if (/^\d+$/.test(value)) this.onRetry(Number(value)); }
  }
}
const Live = {
  listeners: new Set(), mode: '', timer: null, controller: null, generation: 0,
  // The id of the last event heard (sent back as Last-Event-ID), the server's retry delay, and
  // how many connection attempts in a row failed.
  lastId: null, retryMs: 2000, failures: 0, reconnects: 0,
  canStream() { return typeof fetch === 'function' && typeof ReadableStream !== 'undefined' && typeof TextDecoder !== 'undefined'; },
  start() {
    this.stop();
    if (!this.canStream()) return this.poll();
    this.setMode('connecting');
    this.connect(this.generation);
  },
  async connect(gen) {
    const controller = new AbortController();
    this.controller = controller;
    const token = Auth.token;
    const headers = { Accept: 'text/event-stream' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (this.lastId != null) headers['Last-Event-ID'] = this.lastId;
    let res;
    try { res = await fetch('/v1/events', { headers, cache: 'no-store', signal: controller.signal }); }
    catch (e) { return this.retry(gen); }
    if (gen !== this.generation) return;
    if (res.status === 401) {
      // No token, or it was refused: ask for one (a given token restarts the stream).
      controller.abort();
      this.setMode('signed-out');
      if (token && Auth.token === token) Auth.token = '';
      Auth.ask(!!token);
      return;
    }
    if (!res.ok || !res.body) { controller.abort(); return this.retry(gen); }
    // Back after a drop: the events after lastId are replayed, but the view may have failed
    // meanwhile, so it refreshes once.
    const back = this.failures > 0 || this.reconnects > 0;
    this.failures = 0;
    this.setMode('live');
    if (back) this.emit('poll', {});
    const parser = new SSEParser((ev, any) => {
      if (ev.id != null) this.lastId = ev.id;
      if (!any || gen !== this.generation) return;
      let data = {};
      try { data = JSON.parse(ev.data || '{}'); } catch (e) {}
      this.emit(ev.type === 'message' ? (data.kind || 'message') : ev.type, data);
    }, ms => { this.retryMs = Math.max(500, Math.min(ms, 60000)); });
    const reader = res.body.getReader(), decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || gen !== this.generation) break;
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch (e) { /* the stream broke: reconnect below */ }
    if (gen !== this.generation) { reader.cancel().catch(() => {}); return; }
    this.reconnects++;
    this.retry(gen);
  },
  // Waits the server's retry delay, doubled for each failure in a row up to 30 s (with a
  // little jitter, so many pages do not come back at once), then connects again.
  retry(gen) {
    if (gen !== this.generation) return;
    this.failures++;
    this.setMode('offline');
    const delay = Math.min(30000, this.retryMs * 2 ** Math.min(this.failures - 1, 5)) * (0.8 + Math.random() * 0.4);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => { if (gen === this.generation) this.connect(gen); }, delay);
  },
  poll() {
    this.stop();
    this.setMode('polling');
    this.timer = setInterval(() => this.emit('poll', {}), 5000);
  },
  stop() {
    this.generation++;
    if (this.controller) { this.controller.abort(); this.controller = null; }
    if (this.timer) { clearTimeout(this.timer); clearInterval(this.timer); this.timer = null; }
  },
  restart() { this.failures = 0; this.start(); },
  setMode(mode) {
    this.mode = mode;
    const el = document.getElementById('conn');
    if (!el) return;
    el.className = 'conn ' + mode;
    el.dataset.mode = mode;
    el.querySelector('.conn-text').textContent = { live: 'Live', polling: 'Polling every 5 s', offline: 'Reconnecting…',
      connecting: 'Connecting…', 'signed-out': 'Signed out' }[mode] || mode;
  },
  emit(kind, data) { for (const fn of this.listeners) { try { fn(kind, data); } catch (e) { console.error(e); } } },
  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); },
};
Live.on(kind => { if (Router.view && Router.view.refresh) Router.view.refresh(kind); });
