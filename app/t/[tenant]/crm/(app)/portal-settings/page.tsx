import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { PortalSettingsForm } from '@/components/crm/portal-settings-form';
import { Page } from '@/components/ui/page';
import { hasPermission } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPortalSettings } from '@/lib/settings/portal-settings';
import { BOOKING_LIMITS } from '@/lib/settings/schemas';
import { savePortalSettingsAction } from './actions';

export const metadata: Metadata = { title: 'Patient portal settings' };

export default async function PortalSettingsPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const settings = await getPortalSettings(getDb(), ctx);
  return (
    <Page title="Patient portal settings" description="How patients sign in, who may have an account, how they hear about documents, and the rules for booking and messages.">
      <PortalSettingsForm action={savePortalSettingsAction} initial={settings} limits={BOOKING_LIMITS} mayEditAutomations={hasPermission(ctx, 'automations.manage')} />
    </Page>
  );
}
