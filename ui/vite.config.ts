import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri serves the built files from ui/dist and, in development, expects the
// dev server on a fixed port (see src-tauri/tauri.conf.json).
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    host: "127.0.0.1",
  },
  // The webview on Linux is WebKitGTK 2.50; Safari 15 syntax is safely below it.
  build: {
    target: ["es2021", "safari15"],
    // Only the webview matters for CSS. With "es2021" in the list the CSS
    // minifier assumes old browsers and expands generic families (it made
    // \`system-ui\` a 9-family list), each missing family a fontconfig
    // look-up at first layout in WebKitGTK.
    cssTarget: ["safari16"],
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // Inlined assets become data: URLs, which a strict CSP may refuse; keep files.
    assetsInlineLimit: 0,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
