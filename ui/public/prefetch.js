// Start-up: asks the core for today's agenda before the app's bundle is
// parsed and mounted, so the replica is read while the page starts (the app
// takes this answer on its first load; api.ts).
(function () {
  var ipc = window.__TAURI_INTERNALS__;
  if (!ipc || typeof ipc.invoke !== "function") return;
  performance.mark("ui:reads-asked");
  // Today's agenda alone: the first screen is drawn from it. The week (a
  // larger answer) is asked once that screen has painted (desk.svelte.ts).
  var agenda = ipc.invoke("day_agenda", { date: null });
  // When the answer reached the page (the start-up benchmark's phases).
  // Failures are the app's to show when it takes them, not unhandled here.
  agenda.then(function () { performance.mark("ui:agenda-arrived"); }, function () {});
  window.__citadeskStartup = { agenda: agenda };
})();
