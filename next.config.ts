import type { NextConfig } from 'next';
import { staticSecurityHeaders } from './lib/security/headers';

const nextConfig: NextConfig = {
  // Self-hosting (Dockerfile): `next build` also writes .next/standalone, a server.js with only
  // the node_modules it traces. `npm start` still serves the ordinary build (Next prints a
  // warning that it does not use the standalone copy); Vercel ignores the option.
  output: 'standalone',
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  poweredByHeader: false,
  // The app's own sources; tests and tools are type-checked by `npm run typecheck` (CI runs both).
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  reactStrictMode: true,
  experimental: {
    authInterrupts: true,
    // Documents up to 4 MB go through a server action (Vercel's request limit is 4.5 MB);
    // larger ones go straight to object storage with a presigned upload.
    serverActions: { bodySizeLimit: '4.5mb' },
    // `next start` loads every route's modules before it answers (a self-hosted server's first
    // visitors then wait on nothing); Vercel never does. NEXT_PRELOAD_ENTRIES=false starts as
    // Vercel does: the benchmark's cold starts (bench/cold-start.ts) measure that shape.
    preloadEntriesOnStart: process.env.NEXT_PRELOAD_ENTRIES !== 'false',
  },
  // Request-independent headers on every path, static assets included; the per-request
  // Content-Security-Policy (with its nonce) is set by middleware.ts.
  async headers() {
    return [{ source: '/:path*', headers: staticSecurityHeaders(process.env.NODE_ENV === 'production') }];
  },
};

export default nextConfig;
