/**
 * The architecture check CI runs (`npm run check:architecture`):
 *  1. dependency-cruiser with .dependency-cruiser.cjs: the layers (app → lib → db; components →
 *     lib and components; nothing imports scripts) and no import cycles;
 *  2. which lib/ modules may reach a browser: a module a client component imports at run time
 *     (following imports, stopping at 'use server' modules, which the browser gets as references)
 *     or one middleware/next.config load is universal and must not import 'server-only'; every
 *     other lib/ module must import it, so a server module cannot leak into a client bundle.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Dependency { resolved: string; module: string; dependencyTypes: string[] }
interface Module { source: string; dependencies: Dependency[] }
interface Violation { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }
interface Cruise { modules: Module[]; summary: { violations: Violation[]; totalCruised: number } }

const ROOTS = ['app', 'lib', 'components', 'db', 'scripts', 'middleware.ts', 'instrumentation.ts', 'next.config.ts'];
const run = spawnSync('npx', ['depcruise', ...ROOTS, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
if (!run.stdout) {
  console.error(run.stderr);
  process.exit(2);
}
const cruise = JSON.parse(run.stdout) as Cruise;
const problems: string[] = [];

for (const v of cruise.summary.violations) {
  problems.push(v.rule.name === 'no-cycles' && v.cycle ? `no-cycles: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}` : `${v.rule.name}: ${v.from} → ${v.to}`);
}
const cycles = cruise.summary.violations.filter((v) => v.rule.name === 'no-cycles').length;

const byPath = new Map(cruise.modules.map((m) => [m.source, m]));
const firstStatement = (file: string) => readFileSync(file, 'utf8').replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
const directive = (file: string) => /^['"]use (client|server)['"]/.exec(firstStatement(file))?.[1];
const runtime = (d: Dependency) => !d.dependencyTypes.some((t) => t === 'type-only' || t === 'type-import');
const isSource = (file: string) => /\.(ts|tsx)$/.test(file) && byPath.has(file);

// Everything a browser or middleware may load at run time.
const universal = new Set<string>();
const queue = cruise.modules.map((m) => m.source).filter((f) => isSource(f) && (directive(f) === 'client' || /^(middleware|instrumentation|next\.config)\.ts$/.test(f)));
while (queue.length) {
  const file = queue.pop()!;
  if (universal.has(file)) continue;
  universal.add(file);
  for (const d of byPath.get(file)?.dependencies ?? []) {
    if (runtime(d) && isSource(d.resolved) && directive(d.resolved) !== 'server') queue.push(d.resolved);
  }
}

// Universal by design (no imports of server code, used on both sides as the need arises).
const UNIVERSAL = /^lib\/(kernel\/|validation\/|actions\/result\.ts$)/;

for (const m of cruise.modules) {
  if (!m.source.startsWith('lib/') || !isSource(m.source) || UNIVERSAL.test(m.source)) continue;
  const serverOnly = m.dependencies.some((d) => d.module === 'server-only');
  if (universal.has(m.source) && serverOnly) problems.push(`server-only-in-browser: ${m.source} is loaded by a client component or middleware but imports 'server-only'`);
  if (!universal.has(m.source) && !serverOnly && directive(m.source) !== 'client') problems.push(`server-only-missing: ${m.source} runs only on the server; add import 'server-only' as its first import`);
}

const libFiles = cruise.modules.filter((m) => m.source.startsWith('lib/') && isSource(m.source)).length;
const browserSafe = cruise.modules.filter((m) => m.source.startsWith('lib/') && universal.has(m.source)).length;
console.log(`architecture: ${cruise.summary.totalCruised} modules, ${cycles} cycles, ${libFiles} lib modules (${browserSafe} browser-safe, ${libFiles - browserSafe} server-only)`);
if (problems.length) {
  console.error(problems.sort().join('\n'));
  console.error(`\n${problems.length} architecture problem(s); see docs/architecture.md`);
  process.exit(1);
}
console.log('architecture: ok');
