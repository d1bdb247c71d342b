import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { BrandingForm } from '@/components/crm/branding-form';
import { LogoUploadForm } from '@/components/crm/logo-upload-form';
import { Page } from '@/components/ui/page';
import { requireStaff } from '@/lib/auth/staff-session';
import { getBrandingAssets } from '@/lib/branding-assets/branding-assets';
import { getBranding } from '@/lib/settings/branding';
import { saveBrandingAction } from './actions';
import { removeBrandingAssetAction, uploadBrandingAssetAction } from './asset-actions';

const ASSET_ACTIONS = { upload: uploadBrandingAssetAction, remove: removeBrandingAssetAction };

export const metadata: Metadata = { title: 'Branding' };

export default async function BrandingPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const [branding, assets] = await Promise.all([getBranding(getDb(), ctx), getBrandingAssets(getDb(), ctx)]);
  return (
    <Page title="Branding" description="How the patient portal looks: the name patients see, your logo and favicon, your colour and the theme. Changes show on the portal’s next page load.">
      <BrandingForm action={saveBrandingAction} initial={branding} />
      <div className="grid gap-6 lg:grid-cols-2">
        <LogoUploadForm kind="logo" currentUrl={assets.logoUrl} actions={ASSET_ACTIONS} />
        <LogoUploadForm kind="favicon" currentUrl={assets.faviconUrl} actions={ASSET_ACTIONS} />
      </div>
    </Page>
  );
}
