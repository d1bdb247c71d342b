import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { firstLoadJs } from '@/bench/first-load-js';

// A build's output in miniature, in the shape Next 16 with Turbopack writes it: the measure reads
// only manifests and chunks, so it is checked without a build.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CHUNKS: Record<string, string> = {
  'static/chunks/runtime.js': 'runtime();'.repeat(50),
  'static/chunks/layout.js': 'layout();'.repeat(30),
  'static/chunks/home.js': 'home();',
  'static/chunks/pay.js':
    'pay();e.v(r=>Promise.all(["static/chunks/card-form.js"].map(r=>e.l(r))).then(()=>r(1)));' +
    'e.v(r=>Promise.all(["static/chunks/schema.js","static/chunks/zod.js"].map(r=>e.l(r))).then(()=>r(2)))',
  'static/chunks/card-form.js': 'var I="https://js.stripe.com",R="".concat(I,"/v3/stripe.js");elements();',
  'static/chunks/schema.js': 'schema();',
  'static/chunks/zod.js': 'zod();'.repeat(500),
  'static/chunks/emr.js': 'emr();',
};

function build(pages: Record<string, string[] | null>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'first-load-js-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(CHUNKS)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  writeFileSync(path.join(dir, 'build-manifest.json'), JSON.stringify({ rootMainFiles: ['static/chunks/runtime.js'] }));
  mkdirSync(path.join(dir, 'server'), { recursive: true });
  writeFileSync(path.join(dir, 'server', 'app-paths-manifest.json'), JSON.stringify(Object.fromEntries(Object.keys(pages).map((key) => [key, `app${key}.js`]))));
  for (const [key, pageChunks] of Object.entries(pages)) {
    if (!pageChunks) continue; // the build lists the page, but wrote no client reference manifest
    const file = path.join(dir, 'server', 'app', `${key}_client-reference-manifest.js`);
    mkdirSync(path.dirname(file), { recursive: true });
    const entryJSFiles = { '[project]/app/layout': ['static/chunks/layout.js'], [`[project]/app${key}`]: ['static/chunks/layout.js', ...pageChunks] };
    writeFileSync(file, `globalThis.__RSC_MANIFEST=(globalThis.__RSC_MANIFEST||{});globalThis.__RSC_MANIFEST[${JSON.stringify(key)}]=${JSON.stringify({ entryJSFiles })};`);
  }
  return dir;
}

const gz = (...files: string[]) => files.reduce((sum, f) => sum + gzipSync(CHUNKS[f]!, { level: 9 }).length, 0);
const raw = (...files: string[]) => files.reduce((sum, f) => sum + Buffer.byteLength(CHUNKS[f]!), 0);

describe('first-load JS of the portal pages', () => {
  it('measures every portal page the build lists, named without route groups: the runtime, the layouts and the page, each chunk once', () => {
    const dir = build({
      '/t/[tenant]/portal/(app)/page': ['static/chunks/home.js'],
      '/t/[tenant]/portal/(shop)/shop/products/[id]/page': ['static/chunks/home.js'],
      '/t/[tenant]/emr/(app)/page': ['static/chunks/emr.js'],
    });
    const pages = firstLoadJs(dir);
    expect(pages.map((p) => p.page)).toEqual(['/portal', '/portal/shop/products/[id]']);
    expect(pages[0]).toEqual({
      page: '/portal',
      bytes: raw('static/chunks/runtime.js', 'static/chunks/layout.js', 'static/chunks/home.js'),
      gzipBytes: gz('static/chunks/runtime.js', 'static/chunks/layout.js', 'static/chunks/home.js'),
    });
  });

  it('refuses a build that lists a portal page it cannot measure, naming the page', () => {
    const dir = build({ '/t/[tenant]/portal/(app)/page': ['static/chunks/home.js'], '/t/[tenant]/portal/(public)/sign-in/page': null });
    expect(() => firstLoadJs(dir)).toThrow('/t/[tenant]/portal/(public)/sign-in/page');
  });

  it("counts the payment form the page imports as it becomes interactive, lists the provider's script apart, and leaves other dynamic imports out", () => {
    const dir = build({ '/t/[tenant]/portal/(app)/billing/pay/page': ['static/chunks/pay.js'] });
    const [pay] = firstLoadJs(dir);
    expect(pay).toEqual({
      page: '/portal/billing/pay',
      bytes: raw('static/chunks/runtime.js', 'static/chunks/layout.js', 'static/chunks/pay.js', 'static/chunks/card-form.js'),
      gzipBytes: gz('static/chunks/runtime.js', 'static/chunks/layout.js', 'static/chunks/pay.js', 'static/chunks/card-form.js'),
      paymentFormGzipBytes: gz('static/chunks/card-form.js'),
      providerScripts: ['Stripe.js (https://js.stripe.com)'],
    });
  });
});
