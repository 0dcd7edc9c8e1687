extension DashboardAssets {
    /// The style sheet's first part: a light and a dark palette (`prefers-color-scheme`), the
    /// shell, buttons, cards, tables, pills, forms.
    static let cssBase = #"""
:root {
  --bg: #f6f7f9; --panel: #ffffff; --panel-2: #f9fafb; --border: #e4e7ec; --border-strong: #d0d5dd;
  --text: #101828; --muted: #667085; --faint: #98a2b3;
  --accent: #4f46e5; --accent-hover: #4338ca; --accent-soft: #eef2ff; --accent-text: #3730a3;
  --ok: #067647; --ok-bg: #ecfdf3; --ok-border: #abefc6;
  --bad: #b42318; --bad-bg: #fef3f2; --bad-border: #fecdca;
  --run: #175cd3; --run-bg: #eff8ff; --run-border: #b2ddff;
  --warn: #b54708; --warn-bg: #fffaeb; --warn-border: #fedf89;
  --idle: #475467; --idle-bg: #f2f4f7; --idle-border: #e4e7ec;
  --code-bg: #f2f4f7; --shadow: 0 1px 2px rgba(16,24,40,.06), 0 1px 3px rgba(16,24,40,.08);
  --radius: 10px; --sidebar: 220px;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  color-scheme: light;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0c111d; --panel: #161b26; --panel-2: #1a2030; --border: #262f40; --border-strong: #344054;
    --text: #f0f2f5; --muted: #98a2b3; --faint: #667085;
    --accent: #7c74ff; --accent-hover: #958fff; --accent-soft: #1e1b4b; --accent-text: #c7d2fe;
    --ok: #47cd89; --ok-bg: #053321; --ok-border: #085d3a;
    --bad: #f97066; --bad-bg: #3b0f0b; --bad-border: #7a271a;
    --run: #53b1fd; --run-bg: #102a56; --run-border: #1849a9;
    --warn: #fdb022; --warn-bg: #3a2006; --warn-border: #93370d;
    --idle: #cecfd2; --idle-bg: #222a3a; --idle-border: #333d50;
    --code-bg: #1f2636; --shadow: 0 1px 2px rgba(0,0,0,.4);
    color-scheme: dark;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.icon { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; flex: none; }
html, body { margin: 0; padding: 0; }
body {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  font-size: 14px; line-height: 1.5; color: var(--text); background: var(--bg);
  -webkit-font-smoothing: antialiased;
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
code { background: var(--code-bg); padding: 1px 5px; border-radius: 5px; }
pre { background: var(--code-bg); padding: 10px 12px; border-radius: 8px; overflow: auto; margin: 0;
  white-space: pre-wrap; word-break: break-word; max-height: 420px; }
h1 { font-size: 22px; line-height: 1.25; margin: 0; font-weight: 650; letter-spacing: -.01em; }
h2 { font-size: 15px; margin: 0; font-weight: 600; }
h3 { font-size: 13px; margin: 0 0 6px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }

/* Shell */
.shell { display: flex; min-height: 100vh; }
.sidebar { width: var(--sidebar); flex: none; background: var(--panel); border-right: 1px solid var(--border);
  display: flex; flex-direction: column; padding: 18px 12px; position: sticky; top: 0; height: 100vh; }
.brand { display: flex; align-items: center; gap: 10px; font-weight: 700; font-size: 17px; color: var(--text);
  padding: 4px 10px 18px; }
.brand svg { color: var(--accent); }
.brand:hover { text-decoration: none; }
.nav { display: flex; flex-direction: column; gap: 2px; }
.nav a { display: flex; align-items: center; gap: 10px; padding: 8px 10px; border-radius: 8px; color: var(--muted); font-weight: 500; }
.nav a svg { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 1.8; stroke-linecap: round; stroke-linejoin: round; }
.nav a:hover { background: var(--panel-2); color: var(--text); text-decoration: none; }
.nav a.active { background: var(--accent-soft); color: var(--accent-text); }
.conn { margin-top: auto; display: flex; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); padding: 8px 10px; }
.conn .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--faint); }
.conn.live .dot { background: #12b76a; box-shadow: 0 0 0 3px rgba(18,183,106,.18); }
.conn.polling .dot { background: #f79009; }
.conn.offline .dot { background: #f04438; }
.main { flex: 1; min-width: 0; }
.view { max-width: 1240px; margin: 0 auto; padding: 28px 32px 60px; }

/* Page header */
.page-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 16px; margin-bottom: 20px; flex-wrap: wrap; }
.page-head .sub { color: var(--muted); margin-top: 4px; }
.title-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.crumbs { font-size: 13px; color: var(--muted); margin-bottom: 6px; }
.crumbs a { color: var(--muted); }
.actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }

/* Buttons */
.btn { display: inline-flex; align-items: center; gap: 6px; font: inherit; font-weight: 550; font-size: 13px; line-height: 18px;
  padding: 7px 12px; border-radius: 8px; border: 1px solid var(--border-strong); background: var(--panel); color: var(--text);
  cursor: pointer; box-shadow: var(--shadow); white-space: nowrap; }
.btn:hover { background: var(--panel-2); text-decoration: none; }
.btn:disabled { opacity: .55; cursor: default; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.btn.primary:hover { background: var(--accent-hover); }
.btn.danger { color: var(--bad); }
.btn.danger.solid { background: var(--bad); border-color: var(--bad); color: #fff; }
.btn.small { padding: 3px 9px; font-size: 12px; box-shadow: none; }
.btn.ghost { border-color: transparent; box-shadow: none; background: transparent; }
.btn.ghost:hover { background: var(--panel-2); }
.row-actions { display: flex; gap: 4px; justify-content: flex-end; }
.btn.icon-btn { padding: 5px 7px; }
.btn.icon-btn .icon { width: 15px; height: 15px; }

/* Cards and grids */
.card { background: var(--panel); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
.card + .card, .section { margin-top: 20px; }
.card-head { display: flex; align-items: center; justify-content: space-between; gap: 10px; padding: 14px 16px; border-bottom: 1px solid var(--border); }
.card-head .muted { font-size: 12px; }
.card-body { padding: 14px 16px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; }
.grid .card + .card { margin-top: 0; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); background: var(--panel);
  border: 1px solid var(--border); border-radius: var(--radius); overflow: hidden; box-shadow: var(--shadow); }
.stat { padding: 12px 14px; min-width: 0; border-right: 1px solid var(--border); border-bottom: 1px solid var(--border); margin: 0 -1px -1px 0; }
.stat.wide { grid-column: span 2; }
.stat .label { font-size: 12px; color: var(--muted); }
.stat .value { font-size: 15px; font-weight: 600; margin-top: 2px; overflow-wrap: anywhere; }
.big-countdown { font-size: 28px; font-weight: 650; font-variant-numeric: tabular-nums; letter-spacing: -.01em; }
dl.props { display: grid; grid-template-columns: max-content 1fr; gap: 8px 18px; margin: 0; }
dl.props dt { color: var(--muted); }
dl.props dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }
.small { font-size: 12px; }
.nowrap { white-space: nowrap; }
.num { font-variant-numeric: tabular-nums; text-align: right; }
.ellipsis { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 340px; display: block; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.fires li { display: flex; justify-content: space-between; gap: 12px; padding: 5px 0; border-bottom: 1px dashed var(--border); font-variant-numeric: tabular-nums; }
ul.fires li:last-child { border-bottom: 0; }

/* Tables */
.table-wrap { overflow-x: auto; }
table.table { width: 100%; border-collapse: collapse; font-size: 13.5px; }
.table th { text-align: left; font-weight: 550; font-size: 12px; color: var(--muted); background: var(--panel-2);
  padding: 9px 12px; border-bottom: 1px solid var(--border); white-space: nowrap; }
.table td { padding: 10px 12px; border-bottom: 1px solid var(--border); vertical-align: middle; }
.table tr:last-child td { border-bottom: 0; }
.table tbody tr:hover td { background: var(--panel-2); }
.table th.num, .table td.num { text-align: right; }
.table td.actions-cell { text-align: right; width: 1%; white-space: nowrap; }
.cell-main { font-weight: 600; color: var(--text); white-space: nowrap; }
.table td.rule-cell { min-width: 180px; }
.cell-sub { font-size: 12px; color: var(--muted); margin-top: 1px; }
.card > .table-wrap > .table th:first-child, .card > .table-wrap > .table td:first-child { padding-left: 16px; }
.card > .table-wrap > .table th:last-child, .card > .table-wrap > .table td:last-child { padding-right: 16px; }
.target .chip.kind { font-size: 9.5px; padding: 0 5px; line-height: 16px; }
.target-text { display: inline-block; max-width: 260px; overflow: hidden; text-overflow: ellipsis; vertical-align: bottom; }
.countdown { font-variant-numeric: tabular-nums; font-weight: 550; white-space: nowrap; }
.countdown.due { color: var(--run); }
details.excerpt summary { cursor: pointer; list-style: none; max-width: 360px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
details.excerpt summary::-webkit-details-marker { display: none; }
details.excerpt[open] summary { white-space: normal; }
details.excerpt pre { margin-top: 6px; max-width: 560px; }
.text-bad { color: var(--bad); }

/* Pills and chips */
.pill { display: inline-flex; align-items: center; gap: 5px; padding: 1px 9px 1px 7px; border-radius: 999px; font-size: 12px; font-weight: 550;
  border: 1px solid var(--idle-border); background: var(--idle-bg); color: var(--idle); white-space: nowrap; line-height: 18px; }
.pill::before { content: ""; width: 6px; height: 6px; border-radius: 50%; background: currentColor; }
.pill.ok { background: var(--ok-bg); color: var(--ok); border-color: var(--ok-border); }
.pill.bad { background: var(--bad-bg); color: var(--bad); border-color: var(--bad-border); }
.pill.run { background: var(--run-bg); color: var(--run); border-color: var(--run-border); }
.pill.run::before { animation: pulse 1.2s ease-in-out infinite; }
.pill.warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn-border); }
@keyframes pulse { 50% { opacity: .25; } }
.chip { display: inline-block; padding: 0 7px; border-radius: 6px; font-size: 12px; background: var(--code-bg); color: var(--muted);
  border: 1px solid var(--border); line-height: 18px; margin: 1px 2px 1px 0; white-space: nowrap; }
.chip.text-bad { color: var(--bad); background: var(--bad-bg); border-color: var(--bad-border); }
.chip.kind { text-transform: uppercase; font-size: 10.5px; font-weight: 650; letter-spacing: .04em; }
.filters { display: flex; gap: 6px; flex-wrap: wrap; margin-bottom: 14px; }
.filters a { padding: 4px 11px; border-radius: 999px; border: 1px solid var(--border); background: var(--panel); color: var(--muted); font-size: 13px; }
.filters a.active { background: var(--accent-soft); color: var(--accent-text); border-color: transparent; font-weight: 550; }
.filters a:hover { text-decoration: none; color: var(--text); }

/* Empty, loading, errors */
.empty { text-align: center; padding: 48px 20px; color: var(--muted); }
.empty .icon-box { width: 44px; height: 44px; margin: 0 auto 12px; border-radius: 12px; background: var(--accent-soft); color: var(--accent);
  display: flex; align-items: center; justify-content: center; }
.empty .icon-box .icon { width: 22px; height: 22px; }
.empty h2 { color: var(--text); margin-bottom: 6px; }
.empty p { max-width: 460px; margin: 0 auto 14px; }
.loading { padding: 36px; text-align: center; color: var(--muted); }
.alert { padding: 10px 14px; border-radius: 8px; border: 1px solid var(--bad-border); background: var(--bad-bg); color: var(--bad);
  display: flex; gap: 10px; align-items: center; justify-content: space-between; flex-wrap: wrap; }
.alert + * { margin-top: 14px; }
.alert.info { border-color: var(--run-border); background: var(--run-bg); color: var(--run); }

/* Forms */
form.form { display: flex; flex-direction: column; gap: 20px; max-width: 860px; }
.form .card-body { display: flex; flex-direction: column; gap: 16px; }
.field { display: flex; flex-direction: column; gap: 6px; min-width: 0; }
.field > label, .field > .label { font-weight: 550; font-size: 13px; }
.field .hint { font-size: 12px; color: var(--muted); }
.field-row { display: flex; gap: 12px; flex-wrap: wrap; }
.field-row > .field { flex: 1 1 200px; }
.field-row > .field.narrow { flex: 0 0 130px; }
input[type=text], input[type=url], input[type=password], input:not([type]), select, textarea {
  font: inherit; color: var(--text); background: var(--panel); border: 1px solid var(--border-strong); border-radius: 8px;
  padding: 8px 10px; width: 100%; min-width: 0; }
textarea { min-height: 90px; resize: vertical; }
input:focus, select:focus, textarea:focus { outline: 2px solid var(--accent); outline-offset: -1px; border-color: var(--accent); }
.invalid input, .invalid select, .invalid textarea, input.invalid { border-color: var(--bad); }
.field-error { color: var(--bad); font-size: 12.5px; }
.mono-input { font-family: var(--mono) !important; font-size: 13px !important; }
.segmented { display: inline-flex; border: 1px solid var(--border-strong); border-radius: 9px; padding: 2px; gap: 2px; background: var(--panel-2); flex-wrap: wrap; }
.segmented label { padding: 5px 12px; border-radius: 7px; cursor: pointer; font-weight: 550; color: var(--muted); font-size: 13px; }
.segmented input { position: absolute; opacity: 0; pointer-events: none; }
.segmented label:has(input:checked) { background: var(--panel); color: var(--text); box-shadow: var(--shadow); }
.segmented label:has(input:focus-visible) { outline: 2px solid var(--accent); }
.preview { border: 1px solid var(--border); background: var(--panel-2); border-radius: 8px; padding: 10px 12px; font-size: 13px; }
.preview .desc { font-weight: 600; }
.preview.stale { opacity: .6; }
.preview ul.fires { margin-top: 6px; }
.examples { display: flex; gap: 6px; flex-wrap: wrap; font-size: 12px; color: var(--muted); align-items: center; }
.examples button { font: inherit; font-family: var(--mono); font-size: 12px; background: var(--code-bg); border: 1px solid var(--border); color: var(--text); border-radius: 6px; padding: 1px 7px; cursor: pointer; }
.form-actions { display: flex; gap: 10px; align-items: center; }
"""#
}
