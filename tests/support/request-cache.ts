/**
 * React's per-request `cache` for tests that call lib/ directly. Outside Next's render, React's
 * `cache` calls straight through (as it does in scripts and route handlers), so a test could not
 * see what a page's request shares: the session's linked patients, the clinic's billing options.
 * This stand-in behaves as React does inside a request: one memo per cached function and per
 * arguments (objects by identity, other values by value; a throw is remembered too), kept for the
 * duration of `inRequest(fn)`, and a pass-through outside it.
 *
 * Setup, in the test file (vi.mock is hoisted, so the factory loads this module lazily):
 *
 *   vi.mock('react', async (real) => (await import('../support/request-cache')).reactCacheMock(await real()));
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Node {
  result?: { ok: true; value: unknown } | { ok: false; error: unknown };
  values: Map<unknown, Node>;
  objects: WeakMap<object, Node>;
}

const newNode = (): Node => ({ values: new Map(), objects: new WeakMap() });
const scope = new AsyncLocalStorage<WeakMap<object, Node>>();

/** Runs fn as one request: cached functions called inside share their answers, and only there. */
export function inRequest<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run(new WeakMap(), fn);
}

export function requestCache<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const cached = (...args: A): R => {
    const roots = scope.getStore();
    if (!roots) return fn(...args);
    let node: Node = roots.get(cached) ?? newNode();
    roots.set(cached, node);
    for (const arg of args) {
      const byIdentity = (typeof arg === 'object' && arg !== null) || typeof arg === 'function';
      let next: Node | undefined = byIdentity ? node.objects.get(arg as object) : node.values.get(arg);
      if (!next) {
        next = newNode();
        if (byIdentity) node.objects.set(arg as object, next);
        else node.values.set(arg, next);
      }
      node = next;
    }
    if (node.result) {
      if (node.result.ok) return node.result.value as R;
      throw node.result.error;
    }
    try {
      const value = fn(...args);
      node.result = { ok: true, value };
      return value;
    } catch (error) {
      node.result = { ok: false, error };
      throw error;
    }
  };
  return cached;
}

/** The module 'react' is replaced with: the real one, with this `cache`. */
export function reactCacheMock<M extends object>(real: M): M {
  const base = (real as { default?: object }).default ?? real;
  return { ...real, cache: requestCache, default: { ...base, cache: requestCache } };
}
