import type { Metadata } from 'next';
import { StaffSignIn, type StaffSignInRoute } from '@/app/t/[tenant]/staff/sign-in-page';

export const metadata: Metadata = { title: 'Staff sign-in' };

export default function SignIn(route: StaffSignInRoute) {
  return <StaffSignIn area="emr" {...route} />;
}
