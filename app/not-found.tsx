import { StatusPage } from '@/components/status-page';

export default function NotFound() {
  return (
    <StatusPage
      code="404"
      title="We couldn’t find that page"
      body="The address may be mistyped, or the page may have moved. Check the link you followed."
    />
  );
}
