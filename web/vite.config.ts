import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// The command centre is a static single-page app that the Baogong server serves
// at `/` from web/dist (same origin, so no CORS and no extra set-up). `npm run
// dev:web` proxies /api to a server on :8080 for development.
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes a brotli (.br, best quality) and a gzip (.gz) twin of every text file of the
 * build, once, so the server sends them as they are (@fastify/static `preCompressed`)
 * instead of compressing on every request. A twin that is not smaller is not kept.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'baogong-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((f) => {
          const p = path.join(dir, f);
          return statSync(p).isDirectory() ? walk(p) : [p];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|geojson|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        // index.html always gets its twins (it is asked for on every visit); other tiny files are not worth it.
        if (raw.length < 1024 && !file.endsWith('.html')) continue;
        const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
        const gz = gzipSync(raw, { level: 9 });
        const keep = file.endsWith('.html');
        if (keep || br.length < raw.length) writeFileSync(`${file}.br`, br);
        if (keep || gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

/**
 * The map is the screen most people open first (`/` and `/app/map`), but it is a lazy
 * chunk: without a hint the browser learns of it only after the main script has run, one
 * more round trip on a phone. This adds `<link rel="modulepreload">` (and the stylesheet)
 * for the map screen's chunks to index.html, so they download alongside the main script.
 */
function preloadFirstScreen(entry = 'pages/MapPage.tsx'): Plugin {
  return {
    name: 'baogong-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const first = chunks.find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(entry));
        if (!first || first.type !== 'chunk') return [];
        const files = new Set<string>();
        const css = new Set<string>();
        const visit = (name: string) => {
          if (files.has(name)) return;
          const c = bundle[name];
          if (!c || c.type !== 'chunk' || c.isEntry) return;
          files.add(name);
          for (const f of (c as unknown as { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss ?? []) css.add(f);
          c.imports.forEach(visit);
        };
        visit(first.fileName);
        for (const f of [...files]) if (html.includes(`/${f}"`)) files.delete(f);
        for (const f of [...css]) if (html.includes(`/${f}"`)) css.delete(f);
        return [
          ...[...files].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
          ...[...css].map((f) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

export default defineConfig(({ command }) => {
  // A build is always the production app. Vite and the React plugin take their mode from
  // NODE_ENV when it is set, and a build started from a test run (vitest sets NODE_ENV=test)
  // shipped React's development bundle and JSX with source locations: 554 kB instead of
  // 341 kB of script, and several times slower to run on a phone.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root,
    base: '/',
    plugins: [react(), preloadFirstScreen(), precompress()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // Each screen is its own chunk (React.lazy in App.tsx); the first screen loads only what it needs.
      chunkSizeWarningLimit: 700,
      sourcemap: false,
    },
    server: {
      proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080', '/openapi.json': 'http://127.0.0.1:8080' },
    },
  };
});
