'use client';

import type { CommonMessages } from '@/lib/i18n/messages/common';
import { IdleWarning, type IdleActions } from './idle-warning';

type IdleMessages = Pick<CommonMessages, 'idleTitle' | 'idleBody' | 'idleBodyOne' | 'staySignedIn'>;

export type { IdleActions };

/** The patients' idle warning (a minute before the portal's limit), in their language. */
export function PortalIdleWarning({ messages, ...props }: { idleSeconds: number; warnSeconds: number; messages: IdleMessages; actions: IdleActions }) {
  return (
    <IdleWarning
      {...props}
      messages={{ title: messages.idleTitle, body: messages.idleBody, bodyOne: messages.idleBodyOne, stay: messages.staySignedIn }}
    />
  );
}
