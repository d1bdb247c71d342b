'use client';

export function PrintButton() {
  return (
    <button type="button" onClick={() => window.print()} className="rounded-lg bg-brand px-4 py-2 font-semibold text-brand-contrast">
      Print
    </button>
  );
}
