/**
 * Every screen where the test gateway's simulated card form or bank check appears says so first
 * (issue 16: "clearly labelled as a simulator on every screen where it appears").
 */
export function TestModeBanner({ text }: { text: string }) {
  return (
    <p
      data-testid="test-payments-banner"
      className="rounded-lg border-2 border-dashed border-amber-500 bg-amber-50 px-3 py-2 text-base font-semibold text-amber-950 dark:bg-amber-950 dark:text-amber-50"
    >
      {text}
    </p>
  );
}
