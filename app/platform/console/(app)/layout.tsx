import { requireOperator } from '@/lib/auth/operator-session';

/**
 * The signed-in console. Checking the session here, outside the pages' loading boundary, keeps a
 * signed-out request an HTTP redirect to sign-in (inside the boundary it would be a 200 whose
 * browser then navigates). Each page checks again: layouts do not re-run on navigation.
 */
export default async function SignedInConsoleLayout({ children }: { children: React.ReactNode }) {
  await requireOperator();
  return children;
}
