extension DashboardAssets {
    /// The style sheet's second part: the transcript, toasts and dialogs, the caller's panel,
    /// identifiers with their copy button, and the narrow-screen rules (last, so they win).
    static let cssParts = #"""
/* Transcript */
.transcript { display: flex; flex-direction: column; gap: 14px; }
.msg { display: flex; flex-direction: column; max-width: 82%; }
.msg .who { font-size: 12px; color: var(--muted); margin-bottom: 3px; font-weight: 550; }
.msg .bubble { padding: 10px 14px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid var(--border); }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.user .bubble { background: var(--accent); color: #fff; border-color: var(--accent); border-bottom-right-radius: 4px; }
.msg.assistant { align-self: flex-start; }
.msg.assistant .bubble { background: var(--panel-2); border-bottom-left-radius: 4px; }
.msg.system { align-self: stretch; max-width: none; }
.msg.resume .bubble { background: var(--warn-bg); color: var(--text); border-color: var(--warn-border); }
.tool { border: 1px solid var(--border); border-radius: 10px; background: var(--panel); margin-top: 6px; min-width: 280px; max-width: 100%; }
.tool.error { border-color: var(--bad-border); }
.tool > summary { cursor: pointer; padding: 7px 12px; display: flex; gap: 8px; align-items: center; font-size: 13px; }
.tool > summary .icon { width: 15px; height: 15px; color: var(--muted); }
.tool > summary .name { font-family: var(--mono); font-weight: 600; }
.tool.error > summary .name { color: var(--bad); }
.tool .tool-body { padding: 0 12px 10px; display: flex; flex-direction: column; gap: 8px; }
.tool .tool-body h3 { margin: 4px 0 4px; font-size: 11px; }
.tool.error pre.result { background: var(--bad-bg); color: var(--bad); }
.chain { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.chain .arrow { color: var(--faint); }
.chain a, .chain span.current { display: inline-flex; gap: 6px; align-items: center; padding: 4px 10px; border: 1px solid var(--border); border-radius: 8px; background: var(--panel); font-size: 12.5px; }
.chain span.current { border-color: var(--accent); background: var(--accent-soft); color: var(--accent-text); font-weight: 600; }

/* Toasts and dialogs */
.toasts { position: fixed; right: 18px; bottom: 18px; display: flex; flex-direction: column; gap: 8px; z-index: 50; }
.toast { background: var(--text); color: var(--bg); padding: 10px 14px; border-radius: 10px; box-shadow: 0 8px 24px rgba(0,0,0,.2); font-size: 13px; max-width: 380px; }
.toast.bad { background: var(--bad); color: #fff; }
dialog { border: 1px solid var(--border); border-radius: 14px; background: var(--panel); color: var(--text); padding: 0; width: min(440px, calc(100vw - 32px)); box-shadow: 0 20px 50px rgba(0,0,0,.3); }
dialog::backdrop { background: rgba(16,24,40,.45); }
dialog form { padding: 20px; display: flex; flex-direction: column; gap: 12px; }
dialog .dialog-actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 6px; }
.noscript { padding: 20px; }

/* The caller (sidebar) */
.who { margin-top: auto; display: flex; flex-direction: column; gap: 6px; padding: 10px; border-top: 1px solid var(--border); font-size: 12.5px; }
.who:not([hidden]) + .conn { margin-top: 0; }
.who-line { display: flex; gap: 4px; align-items: baseline; min-width: 0; }
.who-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.who-scopes { display: flex; flex-wrap: wrap; gap: 2px; }
.who-actions { display: flex; gap: 4px; flex-wrap: wrap; }
.conn.signed-out .dot { background: var(--faint); }

/* Identifiers: shown whole, a click selects all of it, a button copies it */
.ident { display: inline-flex; align-items: center; gap: 4px; max-width: 100%; }
.ident-text { user-select: all; -webkit-user-select: all; overflow-wrap: anywhere; }
.copy-btn { border: 1px solid transparent; background: transparent; color: var(--muted); border-radius: 6px; padding: 2px; cursor: pointer;
  display: inline-flex; line-height: 0; }
.copy-btn:hover { border-color: var(--border); background: var(--panel-2); color: var(--text); }
.copy-btn.copied { color: var(--ok); }
.copy-btn .icon { width: 14px; height: 14px; }
.offscreen { position: fixed; left: -9999px; top: 0; opacity: 0; }
time.zoned { font-variant-numeric: tabular-nums; }
.hint-inline { color: var(--muted); font-size: 12px; font-weight: 400; }
.field .hint.text-bad { color: var(--bad); }

@media (max-width: 1280px) {
  .hide-lg { display: none !important; }
  .target-text { max-width: 170px; }
  .table td.rule-cell { min-width: 130px; }
}

/* Phones */
@media (max-width: 760px) {
  .shell { flex-direction: column; }
  .sidebar { width: auto; height: auto; position: sticky; top: 0; z-index: 10; flex-direction: row; align-items: center;
    padding: 8px 10px; border-right: 0; border-bottom: 1px solid var(--border); gap: 6px; }
  .brand { padding: 0 6px 0 0; font-size: 15px; }
  .brand span { display: none; }
  .nav { flex-direction: row; gap: 2px; overflow-x: auto; }
  .nav a { padding: 6px 9px; font-size: 13px; }
  .nav a svg { display: none; }
  .conn { margin: 0 0 0 auto; padding: 0 4px; }
  .conn .conn-text { display: none; }
  .who { margin: 0; padding: 0 4px; border: 0; flex-direction: row; align-items: center; }
  .who-line, .who-scopes { display: none; }
  .view { padding: 18px 14px 40px; }
  h1 { font-size: 19px; }
  .hide-sm { display: none !important; }
  .target-text { max-width: 170px; }
  .msg { max-width: 100%; }
  .table td, .table th { padding: 8px; }
  dl.props { grid-template-columns: 1fr; gap: 2px; }
  dl.props dd { margin-bottom: 8px; }
  .big-countdown { font-size: 22px; }
}
@media (max-width: 1000px) { .hide-md { display: none !important; } }
.then { margin-top: 10px; }
.plain { font-weight: 400; }
.actions.centered { justify-content: center; }
.card-body.flush { padding: 0; }
.mt-4 { margin-top: 4px; }
"""#
}
