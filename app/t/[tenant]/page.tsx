import { redirect } from 'next/navigation';

// A clinic's bare host is its patient portal.
export default function TenantHome() {
  redirect('/portal');
}
