/**
 * Every server action and route handler of the app, found in the source tree at test time so a
 * new one is covered the day it is written:
 *   - a server action is any export of a module whose first statement is 'use server' (under
 *     app/, lib/ or components/); inline 'use server' functions are reported separately, since
 *     they cannot be enumerated (and the app has none);
 *   - a route handler is a GET/POST/PUT/PATCH/DELETE/HEAD/OPTIONS export of app/ ** /route.ts(x).
 * Each gets the area its path implies (portal, emr, crm, ...), the URL it lives under and, for
 * actions, the parameter list of its signature, so a caller can build arguments without a
 * per-action table. Loading (dynamic import) is left to the test file, after its vi.mock calls.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const APP_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SCANNED_DIRS = ['app', 'lib', 'components'];
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/**
 * What the path says about who may call: pages under app/t/[tenant]/portal/(app) need a portal
 * session, (public) ones nobody; emr and crm need staff; app/platform is the operators' console.
 * 'unknown' means a new place the isolation suite must be taught about (it fails until then).
 */
export type Area = 'portal' | 'portal-public' | 'emr' | 'crm' | 'staff-public' | 'operator' | 'api' | 'unknown';

export interface ActionParam {
  name: string;
  /** The declared type as written: 'FormData', 'unknown', 'string', 'SettingsActionState', ... */
  type: string;
}

export interface ServerActionEntry {
  /** 'app/t/[tenant]/crm/(app)/users/actions.ts#inviteStaffAction' */
  id: string;
  file: string;
  name: string;
  area: Area;
  /** The URL path of the page the action belongs to, as the browser shows it. */
  pagePath: string;
  /** Parsed from the source signature; empty when the export is not a plain function declaration. */
  params: ActionParam[];
  /** Literal values the action compares `intent` with: each is a separate branch to call. */
  intents: string[];
  /** Field names the source reads from the FormData by name. */
  formFields: string[];
  /** The module's source text, for callers that look for more (schema keys, ...). */
  source: string;
}

export interface RouteHandlerEntry {
  /** 'app/api/documents/[id]/download/route.ts#GET' */
  id: string;
  file: string;
  method: RouteMethod;
  area: Area;
  /** '/api/documents/[id]/download', '/crm/audit/export' (tenant pages lose their /t/[tenant]). */
  urlPattern: string;
  /** Dynamic segments, in order: ['id'], ['tenantId', 'file'], ['tenant']. */
  dynamicParams: string[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(path.join(APP_ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) walk(rel, out);
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function sourceFiles(): string[] {
  return SCANNED_DIRS.flatMap((d) => walk(d)).sort();
}

function read(file: string): string {
  return readFileSync(path.join(APP_ROOT, file), 'utf8');
}

/** Comments and blank lines before the first statement are allowed, as in JavaScript. */
function isUseServerModule(source: string): boolean {
  const stripped = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  return /^['"]use server['"]/.test(stripped);
}

export function areaOf(file: string): Area {
  if (file.startsWith('app/api/')) return 'api';
  if (file.startsWith('app/platform/')) return 'operator';
  const m = /^app\/t\/\[tenant\]\/([^/]+)\/(.*)$/.exec(file);
  if (!m) return 'unknown';
  const [, section, rest] = m;
  if (section === 'portal') return rest!.startsWith('(public)/') ? 'portal-public' : rest!.startsWith('(app)/') ? 'portal' : 'unknown';
  if (section === 'emr' || section === 'crm') return rest!.startsWith('(app)/') ? section : 'unknown';
  if (section === 'staff') return 'staff-public';
  return 'unknown';
}

/** The browser-visible path of the folder a file sits in: no route groups, no /t/[tenant]. */
export function urlPathOf(file: string): string {
  const segments = path.posix.dirname(file).split('/').slice(1).filter((s) => !/^\(.*\)$/.test(s));
  if (segments[0] === 't' && segments[1] === '[tenant]') segments.splice(0, 2);
  if (segments[0] === 'platform') segments.splice(0, 1);
  return `/${segments.join('/')}`;
}

function parseParams(list: string): ActionParam[] {
  const params: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if ('<({['.includes(ch)) depth++;
    if ('>)}]'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) { params.push(current); current = ''; } else current += ch;
  }
  if (current.trim()) params.push(current);
  return params.map((p) => {
    const [name, ...type] = p.split(':');
    return { name: name!.trim().replace(/^\.\.\./, '').replace(/\?$/, ''), type: type.join(':').trim() || 'unknown' };
  });
}

/**
 * How an action made with a wrapper (lib/actions/wrappers.ts) is called, from the wrapper's name:
 * `…Action` (state, form), `…FormAction` (form), `…Call` (input: unknown).
 */
function wrapperParams(wrapper: string | undefined): ActionParam[] {
  if (!wrapper) return [];
  if (/FormAction$/.test(wrapper)) return [{ name: 'form', type: 'FormData' }];
  if (/Action$/.test(wrapper)) return [{ name: 'prev', type: 'State' }, { name: 'form', type: 'FormData' }];
  if (/Call$/.test(wrapper)) return [{ name: 'input', type: 'unknown' }];
  return [];
}

function exportedFunctions(source: string): { name: string; params: ActionParam[] }[] {
  const found: { name: string; params: ActionParam[] }[] = [];
  for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)/g)) {
    found.push({ name: m[1]!, params: parseParams(m[2]!) });
  }
  for (const m of source.matchAll(/export\s+const\s+([A-Za-z_$][\w$]*)\s*=\s*([A-Za-z_$][\w$]*)?/g)) found.push({ name: m[1]!, params: wrapperParams(m[2]) });
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.split(/\s+as\s+/).pop()!.trim();
      if (name && !name.startsWith('type ')) found.push({ name, params: [] });
    }
  }
  return found;
}

export function findServerActionFiles(): string[] {
  return sourceFiles().filter((f) => isUseServerModule(read(f)));
}

/** Files with a 'use server' directive that is not the module's first statement (inline actions). */
export function findInlineServerActions(): string[] {
  return sourceFiles().filter((f) => {
    const source = read(f);
    return !isUseServerModule(source) && /^\s*['"]use server['"];?\s*$/m.test(source);
  });
}

export function listServerActions(): ServerActionEntry[] {
  return findServerActionFiles().flatMap((file) => {
    const source = read(file);
    // `intent === 'x'` in a hand-written action; `intent: 'x'` for a step of a form of several
    // steps (lib/identity/step-action.ts), and a portal code flow (lib/portal-access/code-flow.ts)
    // also answers the code step's own three and the new password that ends claim and reset.
    const intents = [...new Set([
      ...[...source.matchAll(/intent\s*(?:===|:)\s*'([\w-]+)'/g)].map((m) => m[1]!),
      ...(/\bcodeFlowAction\b/.test(source) ? ['restart', 'resend', 'code', 'password'] : []),
    ])];
    const formFields = [...new Set([
      ...[...source.matchAll(/\.get(?:All)?\(\s*'([\w:-]+)'/g)].map((m) => m[1]!),
      ...[...source.matchAll(/\(\s*form\s*,\s*'([\w-]+)'/g)].map((m) => m[1]!),
    ])];
    return exportedFunctions(source).map(({ name, params }) => ({
      id: `${file}#${name}`, file, name, area: areaOf(file), pagePath: urlPathOf(file), params, intents, formFields, source,
    }));
  });
}

export function findRouteFiles(): string[] {
  return walk('app').filter((f) => /(^|\/)route\.(ts|tsx)$/.test(f));
}

export function listRouteHandlers(): RouteHandlerEntry[] {
  return findRouteFiles().flatMap((file) => {
    const source = read(file);
    const urlPattern = urlPathOf(file);
    const dynamicParams = [...file.matchAll(/\[([\w-]+)\]/g)].map((m) => m[1]!);
    return ROUTE_METHODS
      .filter((method) => new RegExp(`export\\s+(?:async\\s+)?(?:function\\s+${method}\\b|const\\s+${method}\\b)|export\\s*\\{[^}]*\\b${method}\\b`).test(source))
      .map((method) => ({ id: `${file}#${method}`, file, method, area: areaOf(file), urlPattern, dynamicParams }));
  });
}

/** The module's exports, loaded through Vite (so the test file's vi.mock calls apply). */
export function loadModule(file: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ path.join(APP_ROOT, file));
}
