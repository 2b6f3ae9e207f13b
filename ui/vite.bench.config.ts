import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The layout benchmark's page (layout-bench.html), built apart from the app
// so the app's bundle stays as it ships: `npx vite build -c vite.bench.config.ts`.
// crates/e2e/examples/layout_bench.rs serves it on loopback to the app's window.
export default defineConfig({
  plugins: [svelte()],
  base: "./",
  build: {
    target: ["es2021", "safari15"],
    cssTarget: ["safari16"],
    outDir: "../target/layout-bench",
    emptyOutDir: true,
    rollupOptions: { input: "layout-bench.html" },
  },
});
