import 'server-only';
import type { Transaction } from '@/db/client';
import type { AutomationRun } from '@/db/schema';
import type { EventName } from '../events';
import type { RunDefinition } from './definition';
import type { EventRef } from './facts';

/** What a step did: go on (to the next step, or further on), wait until an instant, or stop the run. */
export type StepOutcome =
  /** `skipTo`: go on from that step instead, the ones between left out (a wait_until whose time had passed). */
  | { next: true; outcome: 'done' | 'skipped'; detail: string; skipTo?: number }
  /** `advance`: the wait is over when it wakes (a duration); else the step runs again (wait_until re-reads its time). */
  | { wait: Date; detail: string; advance: boolean }
  | { stop: true; outcome: 'stopped' | 'failed'; detail: string };

/** A step being done: in the run's transaction, for the run's event, at the job's instant. */
export interface StepContext {
  tx: Transaction;
  run: AutomationRun;
  definition: RunDefinition;
  event: EventRef & { id: string; name: EventName; occurredAt: Date };
  index: number;
  at: Date;
}

/** The key a step's effect is written under: the same on a retry, unique per run and step. */
export function stepKey(runId: string, index: number): string {
  return `automation-run:${runId}:step:${index}`;
}
