'use client';

import { useActionState } from 'react';
import type { FormAction } from '@/lib/actions/result';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { PortalAccessFormState } from '@/lib/portal-access/form-state';
import { CodeStep } from './code-step';

/** The flow as a step sees it: what the server answered last, and the one action every button posts to. */
export interface Flow<S extends PortalAccessFormState> {
  state: S;
  action: (form: FormData) => void;
  pending: boolean;
}

/**
 * A signed-out portal flow on one card (lib/portal-access/code-flow.ts is its server half): the
 * shared SMS-code step, with its resend countdown and "Start again", when the server says so;
 * otherwise the flow's own step, drawn by `children`. Every button posts its `intent` to `action`.
 */
export function CodeFlowForm<S extends PortalAccessFormState>({
  action,
  first,
  codeStep,
  labels,
  children,
}: {
  action: FormAction<S>;
  first: S['step'];
  /** The code step's sentence and buttons for this flow, once the server has answered. */
  codeStep: (state: S, flow: Flow<S>) => { intro: React.ReactNode; submitLabel: string; restartLabel?: string; alternatives?: React.ReactNode };
  labels: CodeStepLabels;
  children: (flow: Flow<S>) => React.ReactNode;
}) {
  const [answered, formAction, pending] = useActionState(action, { step: first } as Awaited<S>);
  const state = answered as S;
  if (state.step === 'code') return <CodeStep action={formAction} pending={pending} state={state} labels={labels} {...codeStep(state, { state, action: formAction, pending })} />;
  return children({ state, action: formAction, pending });
}
