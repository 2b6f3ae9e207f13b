// Start-up: asks the core for this week and today's agenda before the app's
// bundle is parsed and mounted, so the replica is read while the page
// starts (the app takes these answers on its first load; api.ts).
(function () {
  var ipc = window.__TAURI_INTERNALS__;
  if (!ipc || typeof ipc.invoke !== "function") return;
  performance.mark("ui:reads-asked");
  // Today's agenda first: the first screen is drawn from it alone.
  var agenda = ipc.invoke("day_agenda", { date: null });
  var week = ipc.invoke("week_view", { weekStart: null });
  // When each answer reached the page (the start-up benchmark's phases).
  // Failures are the app's to show when it takes them, not unhandled here.
  week.then(function () { performance.mark("ui:week-arrived"); }, function () {});
  agenda.then(function () { performance.mark("ui:agenda-arrived"); }, function () {});
  window.__citadeskStartup = { week: week, agenda: agenda };
})();
