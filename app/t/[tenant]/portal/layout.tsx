// The portal's frames live in (public) and (app): sign-in pages have no section navigation.
export default function PortalLayout({ children }: { children: React.ReactNode }) {
  return children;
}
