import type { Metadata } from 'next';
import { StatusPage } from '@/components/status-page';

export const metadata: Metadata = { title: 'Temporarily unavailable' };
export const dynamic = 'force-dynamic';

export default function ServiceUnavailable() {
  return (
    <StatusPage
      code="503"
      title="We’ll be right back"
      body="The service is having a temporary problem and is recovering on its own. Please try again in a minute."
    />
  );
}
