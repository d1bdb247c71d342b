import { getPortalSession } from '@/lib/auth/portal-session';
import PortalAppLayout from '../(app)/layout';
import PortalPublicLayout from '../(public)/layout';

/**
 * The shop's public pages (catalogue, product, cart) are for visitors and patients alike: a
 * signed-in patient browses them inside the portal's own frame (its navigation, the patient
 * selector, the idle warning), a visitor inside the sign-in pages' frame. The two frames are the
 * portal's layouts themselves, so the shop never drifts from them. The checkout, which needs a
 * patient, lives under (app).
 */
export default async function PortalShopLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const session = await getPortalSession();
  if (session.status === 'signed-in') return <PortalAppLayout params={params}>{children}</PortalAppLayout>;
  return <PortalPublicLayout params={params}>{children}</PortalPublicLayout>;
}
