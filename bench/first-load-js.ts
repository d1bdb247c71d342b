import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { PageJs } from './report';

/** A portal page's first-load JavaScript, with what its payment form adds and the provider's script it loads. */
export interface PortalPageJs extends PageJs {
  /** Of gzipBytes: the payment form's chunks, fetched as soon as the page is interactive (see below). */
  paymentFormGzipBytes?: number;
  /** The payment provider's own script, which the form's code inserts: not counted (the provider serves it). */
  providerScripts?: string[];
}

/**
 * Markers of a payment provider's loader inside a chunk, and the script that loader inserts.
 * @stripe/stripe-js's loadStripe() adds <script src="https://js.stripe.com/…/stripe.js">.
 */
const PROVIDER_LOADERS = [{ marker: 'https://js.stripe.com', script: 'Stripe.js (https://js.stripe.com)' }];

/**
 * First-load JavaScript of each portal page, from the build output. The pages are the build's own
 * list (server/app-paths-manifest.json: every page under /t/[tenant]/portal, route groups and
 * dynamic segments included), so a page cannot drop out of the measure unnoticed: one without a
 * client reference manifest is an error. A page loads the runtime every page loads
 * (build-manifest rootMainFiles) plus the chunks of the page and of every layout and boundary
 * above it (the page's client reference manifest, entryJSFiles), each chunk counted once.
 *
 * Chunks behind a dynamic import() are not first-load JavaScript (a form's schema after the page is
 * interactive, the WebAuthn library at a press), except a payment form: the card form imports the
 * provider's library as soon as the page is interactive (stripe-card-loader.tsx), and the page is
 * of no use without it, so those chunks count. The provider's script itself is listed, not counted.
 * Sizes are gzip, as a browser downloads them.
 */
export function firstLoadJs(nextDir: string, area = '/t/[tenant]/portal'): PortalPageJs[] {
  const buildManifest = JSON.parse(readFileSync(path.join(nextDir, 'build-manifest.json'), 'utf8')) as { rootMainFiles: string[] };
  const appPaths = JSON.parse(readFileSync(path.join(nextDir, 'server', 'app-paths-manifest.json'), 'utf8')) as Record<string, string>;
  const pageKeys = Object.keys(appPaths).filter((key) => key.startsWith(`${area}/`) && key.endsWith('/page'));
  const manifestFile = (key: string) => path.join(nextDir, 'server', 'app', `${key}_client-reference-manifest.js`);
  const missing = pageKeys.filter((key) => !existsSync(manifestFile(key)));
  if (missing.length > 0) throw new Error(`first-load JS: the build lists pages without a client reference manifest: ${missing.join(', ')}`);

  const chunkCache = new Map<string, { text: string; bytes: number; gzipBytes: number }>();
  const chunk = (file: string) => {
    let entry = chunkCache.get(file);
    if (!entry) {
      const content = readFileSync(path.join(nextDir, file));
      entry = { text: content.toString('utf8'), bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
      chunkCache.set(file, entry);
    }
    return entry;
  };

  const pages: PortalPageJs[] = [];
  for (const key of pageKeys) {
    const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
    sandbox.globalThis = sandbox;
    vm.runInNewContext(readFileSync(manifestFile(key), 'utf8'), sandbox);
    const manifest = sandbox.__RSC_MANIFEST?.[key] ?? Object.values(sandbox.__RSC_MANIFEST ?? {})[0];
    const chunks = new Set(buildManifest.rootMainFiles);
    for (const list of Object.values(manifest?.entryJSFiles ?? {})) for (const file of list) chunks.add(file);

    const paymentChunks = new Set<string>();
    const providerScripts = new Set<string>();
    for (const file of chunks) {
      for (const group of asyncChunkGroups(chunk(file).text)) {
        const loaders = PROVIDER_LOADERS.filter((p) => group.some((f) => chunk(f).text.includes(p.marker)));
        if (loaders.length === 0) continue;
        for (const f of group) if (!chunks.has(f)) paymentChunks.add(f);
        for (const p of loaders) providerScripts.add(p.script);
      }
    }

    let bytes = 0;
    let gzipBytes = 0;
    for (const file of [...chunks, ...paymentChunks]) {
      bytes += chunk(file).bytes;
      gzipBytes += chunk(file).gzipBytes;
    }
    const route = key.slice(area.length, -'/page'.length).split('/').filter((s) => s && !/^\(.*\)$/.test(s)).join('/');
    const page: PortalPageJs = { page: `/portal${route ? `/${route}` : ''}`, bytes, gzipBytes };
    if (paymentChunks.size > 0) page.paymentFormGzipBytes = [...paymentChunks].reduce((sum, f) => sum + chunk(f).gzipBytes, 0);
    if (providerScripts.size > 0) page.providerScripts = [...providerScripts];
    pages.push(page);
  }
  return pages.sort((a, b) => a.page.localeCompare(b.page));
}

/**
 * The chunk lists of the dynamic imports a chunk can start. Turbopack writes each as a loader
 * module: `e.v(r=>Promise.all(["static/chunks/a.js","static/chunks/b.js"].map(r=>e.l(r))).then(…))`.
 */
function asyncChunkGroups(text: string): string[][] {
  const groups: string[][] = [];
  for (const match of text.matchAll(/Promise\.all\(\[((?:"static\/chunks\/[^"]+",?)+)\]\.map\(/g)) {
    groups.push([...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
  }
  return groups;
}
