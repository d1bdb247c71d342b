import { notFound } from 'next/navigation';

// Middleware rewrites hosts that belong to no clinic here; notFound() gives the 404 status.
export default function UnknownHost() {
  notFound();
}
