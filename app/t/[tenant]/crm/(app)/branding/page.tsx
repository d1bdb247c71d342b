import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { BrandingForm } from '@/components/crm/branding-form';
import { requireStaff } from '@/lib/auth/staff-session';
import { getBranding } from '@/lib/settings/branding';

export const metadata: Metadata = { title: 'Branding' };

export default async function BrandingPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const branding = await getBranding(getDb(), ctx);
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Branding</h1>
        <p className="mt-1 text-fg-muted">
          How the patient portal looks: the name patients see, your colour and the theme. Changes show on the portal’s next page load.
        </p>
      </header>
      <BrandingForm initial={branding} />
    </div>
  );
}
