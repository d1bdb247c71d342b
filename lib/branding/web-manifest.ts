import 'server-only';
import type { MetadataRoute } from 'next';
import type { TenantProfile } from '@/lib/tenancy/profile';

/** The platform's own icons (public/), for the console, the landing page and clinics without a favicon. */
export const PLATFORM_ICONS = {
  svg: '/carebridge-icon.svg',
  apple: '/carebridge-apple-icon.png',
  png192: '/carebridge-192.png',
  png512: '/carebridge-512.png',
} as const;

const PLATFORM_THEME = '#0f766e';

function iconType(url: string): string | undefined {
  const ext = /\.([a-z0-9]+)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase();
  return ext === 'svg' ? 'image/svg+xml' : ext === 'png' ? 'image/png' : ext === 'ico' ? 'image/x-icon' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : ext === 'webp' ? 'image/webp' : undefined;
}

const platformIcons: MetadataRoute.Manifest['icons'] = [
  { src: PLATFORM_ICONS.svg, sizes: 'any', type: 'image/svg+xml' },
  { src: PLATFORM_ICONS.png192, sizes: '192x192', type: 'image/png' },
  { src: PLATFORM_ICONS.png512, sizes: '512x512', type: 'image/png' },
];

/**
 * The web app manifest a host answers with: a clinic's host names the clinic, in its colour and
 * with its favicon (an installed portal is the clinic's, not the platform's); the root host and
 * any host without a clinic, Carebridge.
 */
export function webManifest(profile: Pick<TenantProfile, 'branding'> | null): MetadataRoute.Manifest {
  if (!profile) {
    return {
      name: 'Carebridge',
      short_name: 'Carebridge',
      description: 'Patient portal, EMR and CRM for clinics.',
      start_url: '/',
      display: 'standalone',
      background_color: '#f8fafc',
      theme_color: PLATFORM_THEME,
      icons: platformIcons,
    };
  }
  const { displayName, primaryColor, faviconUrl, theme } = profile.branding;
  const type = faviconUrl ? iconType(faviconUrl) : undefined;
  return {
    name: displayName,
    short_name: displayName.length <= 12 ? displayName : displayName.slice(0, 12).trimEnd(),
    description: `${displayName}: patient portal`,
    start_url: '/portal',
    display: 'standalone',
    background_color: theme === 'dark' ? '#0f172a' : '#ffffff',
    theme_color: primaryColor,
    icons: faviconUrl ? [{ src: faviconUrl, sizes: 'any', ...(type ? { type } : {}) }] : platformIcons,
  };
}
