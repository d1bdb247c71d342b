'use server';

import { staffCall } from '@/lib/actions/wrappers';
import { idleSecondsLeft, idleSignOut, idleSignOutSchema } from '@/lib/auth/staff-idle';

// The idle warning's calls (components/auth/idle-warning.tsx): asking is not activity; staying is.
export const idleSecondsLeftAction = staffCall({ area: 'emr', activity: false }, async (ctx) => idleSecondsLeft(ctx));
export const keepAliveAction = staffCall({ area: 'emr' }, async () => ({ ok: true }));
export const idleSignOutAction = staffCall({ area: 'emr', schema: idleSignOutSchema }, async (_ctx, { path }) => idleSignOut('emr', path));
