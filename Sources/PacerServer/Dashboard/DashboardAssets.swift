/// The dashboard's files, kept as Swift string literals so the binary serves them with no
/// build step: the page (`DashboardAssets+HTML.swift`), the style sheet (`+CSS`, then
/// `+CSSParts`) and the script, whose parts (`+JSCore`, `+JSClient`, `+JSAuth`, `+JSLive`,
/// `+JSSchedules`, `+JSScheduleDetail`, `+JSScheduleForm`, `+JSSessions`, then the start
/// below) are joined in this order into `/assets/app.js`.
enum DashboardAssets {
    /// `/assets/app.js`: the script's parts joined.
    static let script = [jsCore, jsClient, jsAuth, jsLive, jsSchedules, jsScheduleDetail, jsScheduleForm, jsSessions, jsStart]
        .joined(separator: "\n")

    /// `/assets/app.css`: the style sheet's parts joined.
    static let css = [cssBase, cssParts].joined(separator: "\n")

    /// The script's start: routes, live updates, the ticker.
    static let jsStart = #"""
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
"""#
}
