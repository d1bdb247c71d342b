import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { PageJs } from './report';

/**
 * First-load JavaScript of each portal page, from the build output: the runtime every page loads
 * (build-manifest rootMainFiles) plus the chunks of the page and its layouts (the page's client
 * reference manifest). Sizes are gzip, as a browser downloads them.
 */
export function firstLoadJs(nextDir: string, routePrefix = path.join('server', 'app', 't', '[tenant]', 'portal')): PageJs[] {
  const buildManifest = JSON.parse(readFileSync(path.join(nextDir, 'build-manifest.json'), 'utf8')) as { rootMainFiles: string[] };
  const root = path.join(nextDir, routePrefix);
  const pages: PageJs[] = [];
  for (const file of walk(root)) {
    if (!file.endsWith('page_client-reference-manifest.js')) continue;
    const sandbox: { globalThis?: unknown; __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> } = {};
    sandbox.globalThis = sandbox;
    vm.runInNewContext(readFileSync(file, 'utf8'), sandbox);
    const manifest = Object.values(sandbox.__RSC_MANIFEST ?? {})[0];
    const chunks = new Set(buildManifest.rootMainFiles);
    for (const list of Object.values(manifest?.entryJSFiles ?? {})) for (const chunk of list) chunks.add(chunk);
    let bytes = 0;
    let gzipBytes = 0;
    for (const chunk of chunks) {
      const content = readFileSync(path.join(nextDir, chunk));
      bytes += content.length;
      gzipBytes += gzipSync(content, { level: 9 }).length;
    }
    const route = path.relative(root, path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join('/');
    pages.push({ page: `/portal${route ? `/${route}` : ''}`, bytes, gzipBytes });
  }
  return pages.sort((a, b) => a.page.localeCompare(b.page));
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}
