'use client';

import { MoveVertical } from 'lucide-react';
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, useTransition, type ReactNode } from 'react';
import type { FormAction } from '@/lib/actions/result';
import type { MoveTimesState } from '@/lib/scheduling/calendar-forms';
import type { ScheduleFormState } from '@/lib/scheduling/schedule-form-state';
import { MoveDialog, type MovableVisit } from './move-dialog';

export type { MovableVisit } from './move-dialog';

/**
 * The calendar's moving parts around the server-drawn grid: drag a visit to another cell (pointer
 * events, snapped to the cell's 15 minutes, the target time shown while dragging), or open the
 * Move dialog from a visit's Move button (the keyboard way). Both post moveAppointmentAction; the
 * answer shows above the grid, a refusal as an alert naming why, and the visit snaps back.
 *
 * The grid marks what this reads: a draggable visit `data-drag-id` (with `-provider`,
 * `-location`, `-at`, `-name`, `-when`), a cell `td[data-at]` (with `data-provider`, `data-location`, `data-label`).
 */

interface Board {
  openMove: (visit: MovableVisit, opener: HTMLElement) => void;
}
const BoardContext = createContext<Board | null>(null);

type Notice = { tone: 'ok' | 'error'; text: string; key: number } | null;

interface Drag {
  block: HTMLElement;
  pointerId: number;
  x: number;
  y: number;
  /** How far below the block's top the pointer took hold: the block's top is what lands on a cell. */
  grab: number;
  started: boolean;
  cell: HTMLElement | null;
}

function cellAt(x: number, y: number): HTMLElement | null {
  const hit = document.elementsFromPoint(x, y).find((el) => el instanceof HTMLElement && el.matches('td[data-at]'));
  return (hit as HTMLElement | undefined) ?? null;
}

function release(block: HTMLElement) {
  block.style.transform = '';
  delete block.dataset.dragging;
}

export function ScheduleBoard({ children, moveAction, timesAction }: {
  children: ReactNode;
  moveAction: FormAction<ScheduleFormState>;
  timesAction: (input: unknown) => Promise<MoveTimesState>;
}) {
  const [notice, setNotice] = useState<Notice>(null);
  const [moving, setMoving] = useState<MovableVisit | null>(null);
  const [ghost, setGhost] = useState<{ x: number; y: number; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const drag = useRef<Drag | null>(null);
  const suppressClick = useRef(false);
  const opener = useRef<HTMLElement | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  const cancelDrag = () => {
    const d = drag.current;
    drag.current = null;
    setGhost(null);
    if (!d) return;
    d.cell?.removeAttribute('data-drop-target');
    release(d.block);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && drag.current?.started) cancelDrag();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const say = (tone: 'ok' | 'error', text: string) => setNotice({ tone, text, key: Date.now() });

  const onPointerDown = (event: React.PointerEvent) => {
    // A press that never became a drag (released outside the grid) is forgotten.
    if (event.button !== 0 || pending || drag.current?.started) return;
    const target = event.target as Element;
    const block = target.closest<HTMLElement>('[data-drag-id]');
    // Buttons keep their press; a link (the time, the patient) is clicked unless the press becomes a drag.
    if (!block || target.closest('button, input, select, textarea')) return;
    drag.current = {
      block, pointerId: event.pointerId, x: event.clientX, y: event.clientY,
      grab: event.clientY - block.getBoundingClientRect().top, started: false, cell: null,
    };
  };

  const onPointerMove = (event: React.PointerEvent) => {
    const d = drag.current;
    if (!d || event.pointerId !== d.pointerId) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.started) {
      if (Math.hypot(dx, dy) < 6) return;
      d.started = true;
      d.block.setPointerCapture(event.pointerId);
      d.block.dataset.dragging = 'true';
    }
    event.preventDefault();
    d.block.style.transform = `translate(${dx}px, ${dy}px)`;
    const cell = cellAt(event.clientX, event.clientY - d.grab + 4);
    if (cell !== d.cell) {
      d.cell?.removeAttribute('data-drop-target');
      cell?.setAttribute('data-drop-target', 'true');
      d.cell = cell;
    }
    setGhost({ x: event.clientX, y: event.clientY, text: cell ? `Move to ${cell.dataset.label}` : 'Drop on a time in the grid' });
  };

  const onPointerUp = (event: React.PointerEvent) => {
    const d = drag.current;
    if (!d || event.pointerId !== d.pointerId) return;
    drag.current = null;
    setGhost(null);
    d.cell?.removeAttribute('data-drop-target');
    if (!d.started) return;
    // The click that follows the release is not a click on the link the drag began on.
    suppressClick.current = true;
    setTimeout(() => { suppressClick.current = false; }, 0);
    const { block, cell } = d;
    const providerId = cell?.dataset.provider || block.dataset.dragProvider!;
    const locationId = cell?.dataset.location || block.dataset.dragLocation!;
    // Dropped outside the grid, or back where it was: nothing to move.
    const unchanged = cell?.dataset.at === block.dataset.dragAt && providerId === block.dataset.dragProvider && locationId === block.dataset.dragLocation;
    if (!cell?.dataset.at || unchanged) {
      release(block);
      return;
    }
    const form = new FormData();
    form.set('appointmentId', block.dataset.dragId!);
    form.set('providerId', providerId);
    form.set('locationId', locationId);
    form.set('startsAt', cell.dataset.at);
    // The visit stays where it was dropped until the server answers.
    startTransition(async () => {
      const result = await moveAction({}, form).catch((): ScheduleFormState => ({ ok: false, message: 'The move could not be sent. Check the connection and try again.' }));
      release(block);
      if (result.ok) say('ok', result.message ?? 'Visit moved.');
      else say('error', `${block.dataset.dragName}’s visit was not moved: ${result.message ?? 'the move failed.'} It stays at ${block.dataset.dragWhen}.`);
    });
  };

  const board: Board = {
    openMove: (visit, from) => {
      opener.current = from;
      setMoving(visit);
    },
  };

  // Focus goes back once the dialog has closed (nothing outside a modal dialog can take it before).
  const focusAfterClose = useRef<HTMLElement | null>(null);
  const closeMove = (message?: string) => {
    setMoving(null);
    if (message) say('ok', message);
    // The Move button left with the visit it moved; then the answer is the next thing to read.
    focusAfterClose.current = message ? noticeRef.current : opener.current;
    opener.current = null;
  };
  const dialogClosed = () => {
    const target = focusAfterClose.current?.isConnected ? focusAfterClose.current : noticeRef.current;
    focusAfterClose.current = null;
    target?.focus();
  };

  return (
    <BoardContext.Provider value={board}>
      <div ref={noticeRef} tabIndex={-1} className="focus:outline-none">
        {notice ? (
          <p key={notice.key} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="schedule-move-notice"
            className={`rounded-lg border px-3 py-2 text-sm ${notice.tone === 'error' ? 'border-red-600 bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100' : 'border-line bg-brand-soft'}`}>
            {notice.text}
          </p>
        ) : <p role="status" className="sr-only">{pending ? 'Moving the visit…' : ''}</p>}
      </div>
      <div
        onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={cancelDrag}
        onClickCapture={(event) => {
          if (!suppressClick.current) return;
          event.preventDefault();
          event.stopPropagation();
        }}
        aria-busy={pending || undefined}
      >
        {children}
      </div>
      {ghost ? (
        <div aria-hidden="true" className="pointer-events-none fixed z-50 rounded-md bg-fg px-2 py-1 text-sm font-medium text-surface shadow-lg"
          style={{ left: ghost.x + 14, top: ghost.y + 14 }}>
          {ghost.text}
        </div>
      ) : null}
      <MoveDialog visit={moving} onClose={closeMove} onClosed={dialogClosed} moveAction={moveAction} timesAction={timesAction} />
    </BoardContext.Provider>
  );
}

const noSubscription = () => () => {};

/** A visit's Move button: the keyboard's way to move it (and the pointer's, without dragging). */
export function MoveButton({ visit }: { visit: MovableVisit }) {
  const board = useContext(BoardContext);
  // Without JavaScript there is no dialog: the visit's Manage page moves it.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  if (!board || !ready) return null;
  return (
    <button
      type="button"
      onClick={(event) => board.openMove(visit, event.currentTarget)}
      aria-label={`Move visit: ${visit.patient}, ${visit.when}`}
      aria-haspopup="dialog"
      className="inline-flex min-h-6 items-center gap-0.5 rounded border border-current px-1.5 font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent"
    >
      <MoveVertical aria-hidden="true" className="size-3" />
      Move
    </button>
  );
}
