// Reports the first painted frame, as the app's UI does once its week is on screen.
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ui_ready")),
);
