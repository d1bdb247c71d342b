// The console's pages frame themselves: the sign-in page has no navigation.
export default function ConsoleLayout({ children }: { children: React.ReactNode }) {
  return <div className="min-h-dvh bg-slate-50 text-slate-900">{children}</div>;
}
