'use server';

import { getDb } from '@/db/client';
import { staffCall } from '@/lib/actions/wrappers';
import { recordStatementPrinted, statementPrintSchema } from '@/lib/billing/statement-print';

/** The statement page's `beforeprint`: the print is audited (billing.view; the patient must be the clinic's). */
export const recordStatementPrintedAction = staffCall(
  { area: 'emr', permission: 'billing.view', schema: statementPrintSchema },
  async (ctx, input) => {
    await recordStatementPrinted(getDb(), ctx, input);
    return { ok: true };
  },
);
