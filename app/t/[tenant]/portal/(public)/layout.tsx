import { PortalShell } from '@/components/shell/portal-shell';
import { getRequestPath } from '@/lib/http/request-path';
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
    <PortalShell profile={profile} currentPath={await getRequestPath()}>
      {children}
    </PortalShell>
  );
}
