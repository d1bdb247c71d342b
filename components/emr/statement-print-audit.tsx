'use client';

import { useEffect } from 'react';

/**
 * Reports each print of the statement on the page (the Print button or the browser's own Print
 * command: both fire `beforeprint`), so the print is audited. Fire and forget: printing never
 * waits for the server, and a failed report does not stop it.
 */
export function StatementPrintAudit({ action, patientId, from, to }: {
  action: (input: { patientId: string; from: string; to: string }) => Promise<unknown>;
  patientId: string;
  from: string;
  to: string;
}) {
  useEffect(() => {
    const report = () => {
      action({ patientId, from, to }).catch(() => undefined);
    };
    window.addEventListener('beforeprint', report);
    return () => window.removeEventListener('beforeprint', report);
  }, [action, patientId, from, to]);
  return null;
}
