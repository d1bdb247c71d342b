import { formatCardNumber, TEST_CARDS, type TestCardOutcome } from '@/lib/billing/gateway/test-cards';

/** The test gateway's documented card numbers, in a disclosure that opens without JavaScript. */
export function TestCardsHelp({ summary, intro, outcomes }: { summary: string; intro: string; outcomes: Record<TestCardOutcome, string> }) {
  return (
    <details className="rounded-lg border border-line bg-surface">
      <summary className="flex min-h-11 cursor-pointer items-center px-3 font-medium">{summary}</summary>
      <div className="border-t border-line p-3 text-sm">
        <p className="text-fg-muted">{intro}</p>
        <ul className="mt-2 space-y-2">
          {TEST_CARDS.map((card) => (
            <li key={card.number} className="flex flex-col sm:flex-row sm:gap-3">
              <span className="font-mono font-semibold tracking-wide">{formatCardNumber(card.number)}</span>
              <span>{outcomes[card.outcome]}</span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
