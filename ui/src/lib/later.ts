// Parts of the app that are not on the first screen load when first opened,
// not with the start-up bundle (374 -> 284 kB: less to parse before the
// first screen, and no memory for code a session may never run). Their
// files are embedded in the app: a first opening takes a few ms more.

export const later = {
  // Pages: loaded when opened.
  dashboard: () => import("../components/DashboardPage.svelte"),
  month: () => import("../components/MonthPage.svelte"),
  list: () => import("../components/CitaListPage.svelte"),
  print: () => import("../components/PrintDayPage.svelte"),
  reconcile: () => import("../components/ReconcilePage.svelte"),
  // Dialogs and panels.
  booking: () => import("../components/BookingDialog.svelte"),
  block: () => import("../components/BlockDialog.svelte"),
  details: () => import("../components/CitaDetails.svelte"),
  settings: () => import("../components/SettingsPanel.svelte"),
  staff: () => import("../components/StaffPanel.svelte"),
  about: () => import("../components/AboutDialog.svelte"),
  help: () => import("../components/ShortcutHelp.svelte"),
  connections: () => import("../components/ConnectionsPanel.svelte"),
  connect: () => import("../components/ConnectScreen.svelte"),
  inbox: () => import("../components/InboxPanel.svelte"),
  relay: () => import("../components/RelaySettings.svelte"),
};
