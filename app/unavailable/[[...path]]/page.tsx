import type { Metadata } from 'next';
import { StatusPage } from '@/components/status-page';

export const metadata: Metadata = { title: 'Portal unavailable' };

// Rendered per request so Next puts this request's CSP nonce on its scripts.
export const dynamic = 'force-dynamic';

// Middleware rewrites a suspended clinic's hosts here.
export default function Unavailable() {
  return (
    <StatusPage
      code="Unavailable"
      title="This clinic’s portal is unavailable"
      body="The clinic has paused its online services. Your records are safe. Please contact the clinic by phone for appointments and documents."
    />
  );
}
