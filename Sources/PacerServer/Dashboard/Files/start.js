// ---------- Start ----------
Router.add(/^\/?$/, ScheduleList);
Router.add(/^\/schedules\/?$/, ScheduleList);
Router.add(/^\/schedules\/new\/?$/, ScheduleForm);
Router.add(/^\/schedules\/([^/]+)\/edit\/?$/, ScheduleForm);
Router.add(/^\/schedules\/([^/]+)\/?$/, ScheduleDetail);
Router.add(/^\/sessions\/?$/, SessionList);
Router.add(/^\/sessions\/([^/]+)\/?$/, SessionDetail);
Router.add(/^\/agents\/?$/, AgentList);
window.addEventListener('hashchange', () => Router.render());
document.addEventListener('DOMContentLoaded', () => {
  // A link to /sessions/<id> (as notify hooks send) opens that view; in-page links use the hash.
  if (!location.hash && location.pathname !== '/') history.replaceState(null, '', '/#' + location.pathname + location.search);
  drawWho();
  Live.start();
  Router.render();
  setInterval(tick, 250);
});
