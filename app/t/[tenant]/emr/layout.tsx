import { StaffShell } from '@/components/shell/staff-shell';
import { getRequestPath } from '@/lib/http/request-path';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export default async function EmrLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  return (
    <StaffShell area="emr" profile={profile} nav={[]} currentPath={await getRequestPath()}>
      {children}
    </StaffShell>
  );
}
