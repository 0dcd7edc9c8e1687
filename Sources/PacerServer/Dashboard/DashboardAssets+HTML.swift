extension DashboardAssets {
    /// The page. Every view renders into `#view`; the sidebar links are hash routes.
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Pacer</title>
<link rel="stylesheet" href="/assets/app.css">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Ccircle cx='16' cy='16' r='14' fill='%234f46e5'/%3E%3Cpath d='M16 8v8l6 4' stroke='white' stroke-width='3' fill='none' stroke-linecap='round'/%3E%3C/svg%3E">
</head>
<body>
<div class="shell">
  <aside class="sidebar">
    <a class="brand" href="#/schedules" aria-label="Pacer home">
      <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true"><circle cx="16" cy="16" r="14" fill="currentColor"/><path d="M16 8v8l6 4" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>
      <span>Pacer</span>
    </a>
    <nav class="nav" aria-label="Main">
      <a href="#/schedules" data-nav="schedules">
        <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/></svg>Schedules</a>
      <a href="#/sessions" data-nav="sessions">
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z"/></svg>Sessions</a>
      <a href="#/agents" data-nav="agents">
        <svg viewBox="0 0 24 24" aria-hidden="true"><rect x="5" y="8" width="14" height="11" rx="3"/><path d="M12 4v4M9 13h.01M15 13h.01"/></svg>Agents</a>
    </nav>
    <div class="who" id="who" aria-label="Your token" hidden></div>
    <div class="conn" id="conn" title="How this page hears about changes"><span class="dot"></span><span class="conn-text">Connecting…</span></div>
  </aside>
  <main class="main">
    <div id="view" class="view" aria-live="polite"></div>
  </main>
</div>
<div id="toasts" class="toasts" role="status"></div>
<noscript><p class="noscript">The Pacer dashboard needs JavaScript. The same data is available from the CLI (<code>pacer schedule list</code>) and the API under <code>/v1</code>.</p></noscript>
<script src="/assets/app.js" defer></script>
</body>
</html>
"""#
}
