import { notFound } from 'next/navigation';

// Rendered per request so Next puts this request's CSP nonce on its scripts.
export const dynamic = 'force-dynamic';

// Middleware rewrites hosts that belong to no clinic here; notFound() gives the 404 status.
export default function UnknownHost() {
  notFound();
}
