// Frames live in (app) and (auth): the sign-in page has no section navigation.
export default function AreaLayout({ children }: { children: React.ReactNode }) {
  return children;
}
