import { describe, expect, it } from 'vitest';
import { PLATFORM_ICONS, webManifest } from '@/lib/branding/web-manifest';
import type { TenantProfile } from '@/lib/tenancy/profile';

const branding = (over: Partial<TenantProfile['branding']> = {}) => ({
  branding: { displayName: 'Sunrise Family Clinic', logoUrl: null, faviconUrl: null, primaryColor: '#c2410c', theme: 'light' as const, ...over },
});

describe('the web manifest of a host', () => {
  it('is Carebridge’s on the root host, with the platform icons', () => {
    const m = webManifest(null);
    expect(m).toMatchObject({ name: 'Carebridge', start_url: '/', theme_color: '#0f766e', display: 'standalone' });
    expect(m.icons?.map((i) => i.src)).toEqual([PLATFORM_ICONS.svg, PLATFORM_ICONS.png192, PLATFORM_ICONS.png512]);
  });

  it('is the clinic’s on its host: its name, colour, portal and favicon', () => {
    const m = webManifest(branding({ faviconUrl: '/api/branding/t1/favicon-abc.png' }));
    expect(m).toMatchObject({ name: 'Sunrise Family Clinic', short_name: 'Sunrise Fami', start_url: '/portal', theme_color: '#c2410c' });
    expect(m.icons).toEqual([{ src: '/api/branding/t1/favicon-abc.png', sizes: 'any', type: 'image/png' }]);
  });

  it('falls back to the platform icons for a clinic without a favicon, and follows a dark theme', () => {
    const m = webManifest(branding({ theme: 'dark' }));
    expect(m.icons?.[0]?.src).toBe(PLATFORM_ICONS.svg);
    expect(m.background_color).toBe('#0f172a');
  });
});
