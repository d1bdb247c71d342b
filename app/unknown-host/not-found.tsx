import type { Metadata } from 'next';
import { StatusPage } from '@/components/status-page';

export const metadata: Metadata = { title: 'No clinic at this address' };

export default function UnknownHostNotFound() {
  return (
    <StatusPage
      code="404"
      title="There is no clinic at this address"
      body="Check the address your clinic gave you. If you followed a link from your clinic, contact them: the portal may have moved to a new address."
    />
  );
}
