import type { TenantProfile } from '@/lib/tenancy/profile';

/** The clinic's logo and name; the logo is decorative because the name is written beside it. */
export function BrandMark({ profile, size = 40, subtitle }: { profile: TenantProfile; size?: number; subtitle?: string }) {
  const { displayName, logoUrl } = profile.branding;
  return (
    <span className="flex items-center gap-3">
      {logoUrl ? (
        // eslint-disable-next-line @next/next/no-img-element -- clinic logos are uploaded files of any size
        <img src={logoUrl} alt="" width={size} height={size} className="shrink-0 rounded-lg" />
      ) : (
        <span
          aria-hidden
          style={{ width: size, height: size }}
          className="grid shrink-0 place-items-center rounded-lg bg-brand text-lg font-semibold text-brand-contrast"
        >
          {displayName.charAt(0)}
        </span>
      )}
      <span className="flex flex-col leading-tight">
        <span className="font-semibold">{displayName}</span>
        {subtitle ? <span className="text-sm text-fg-muted">{subtitle}</span> : null}
      </span>
    </span>
  );
}
