import { PortalShell } from '@/components/shell/portal-shell';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export default async function PortalPublicLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { profile } = await getPageTenant(params);
  return (
    <PortalShell profile={profile}>
      {children}
    </PortalShell>
  );
}
