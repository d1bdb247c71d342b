import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { brandCssVariables } from '@/lib/branding/colors';
import { getTenantProfile, requireTenantForSegment } from '@/lib/tenancy/request-tenant';
import Unavailable from '@/app/unavailable/[[...path]]/page';

type Props = { children: React.ReactNode; params: Promise<{ tenant: string }> };

export async function generateMetadata({ params }: Omit<Props, 'children'>): Promise<Metadata> {
  const tenant = await requireTenantForSegment((await params).tenant);
  const profile = await getTenantProfile(tenant.id);
  if (!profile) return {};
  const name = profile.branding.displayName;
  return {
    title: { default: name, template: `%s · ${name}` },
    // Without a favicon of its own the key is left out, so the platform's icons (app/layout.tsx) stay:
    // Next treats `icons: undefined` as "no icons".
    ...(profile.branding.faviconUrl ? { icons: { icon: profile.branding.faviconUrl } } : {}),
  };
}

/** Draws every page of a clinic in its colours and theme, server-side. */
export default async function TenantLayout({ children, params }: Props) {
  const tenant = await requireTenantForSegment((await params).tenant);
  if (tenant.status !== 'active') return <Unavailable />;
  const profile = await getTenantProfile(tenant.id);
  if (!profile) notFound();
  return (
    <div
      data-theme={profile.branding.theme}
      style={brandCssVariables(profile.branding.primaryColor) as React.CSSProperties}
      className="min-h-dvh bg-surface-muted text-fg"
    >
      {children}
    </div>
  );
}
