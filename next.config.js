/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ['@electric-sql/pglite'],
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    authInterrupts: true,
    // Documents up to 4 MB go through a server action (Vercel's request limit is 4.5 MB);
    // larger ones go straight to object storage with a presigned upload.
    serverActions: { bodySizeLimit: '4.5mb' },
  },
};

export default nextConfig;
