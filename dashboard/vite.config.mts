import { defineConfig } from "vite";

// The dashboard is served under /dashboard/ by the local server and /api/dashboard/ by the Functions
// app: relative asset URLs work under both. Everything is bundled; nothing is fetched at run time but the API.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 200,
  },
});
