'use server';

import { staffCall } from '@/lib/actions/wrappers';
import { idleSecondsLeft, idleSignOut, idleSignOutSchema } from '@/lib/auth/staff-idle';

// The idle warning's calls (components/auth/idle-warning.tsx): asking is not activity; staying is.
export const idleSecondsLeftAction = staffCall({ area: 'crm', activity: false }, async (ctx) => idleSecondsLeft(ctx));
export const keepAliveAction = staffCall({ area: 'crm' }, async () => ({ ok: true }));
export const idleSignOutAction = staffCall({ area: 'crm', schema: idleSignOutSchema }, async (_ctx, { path }) => idleSignOut('crm', path));
