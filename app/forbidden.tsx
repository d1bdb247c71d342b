import { StatusPage } from '@/components/status-page';

export default function Forbidden() {
  return (
    <StatusPage
      code="403"
      title="You don’t have access to this page"
      body="Your access level doesn’t include this part of the clinic’s system. If you need it for your work, ask your clinic administrator."
    >
      <a href="/" className="link">
        Go to the start page
      </a>
    </StatusPage>
  );
}
