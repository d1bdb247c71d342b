import type { Metadata } from 'next';
import { connection } from 'next/server';

export const metadata: Metadata = { title: 'Carebridge' };

/**
 * The benchmark's baseline: a server-rendered page of this app (middleware, root layout, React
 * rendering) that touches no database, so other pages' throughput can be read as a ratio.
 */
export default async function BaselinePage() {
  await connection();
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">Carebridge</h1>
      <p className="mt-2 text-fg-muted">Server rendered at {new Date().toISOString()}.</p>
    </main>
  );
}
