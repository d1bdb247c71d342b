'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { portalAction } from '@/lib/actions/wrappers';
import type { ActionState } from '@/lib/actions/result';
import { dataExportRefusalMessage } from '@/lib/data-export/refusal-words';
import { DataExportRuleError, requestDataExport } from '@/lib/data-export/requests';
import { dataExport } from '@/lib/i18n/messages/data-export';

/** "Prepare my export" on My data: one button, no fields; the job builds it and tells the person. */
export const requestDataExportAction = portalAction(
  { area: 'export', catalog: dataExport, messages: { notFound: 'errGeneric', forbidden: 'errForbidden', busy: 'errGeneric', conflict: 'errGeneric' } },
  async (ctx, _input, { t }): Promise<ActionState> => {
    try {
      await requestDataExport(getDb(), ctx);
    } catch (error) {
      if (error instanceof DataExportRuleError) return { ok: false, message: dataExportRefusalMessage(t, error.refusal, error.retryAfterSeconds) };
      throw error;
    }
    revalidatePath('/portal/data');
    return { ok: true, message: t('requested') };
  },
);
