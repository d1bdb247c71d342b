'use client';

import { useEffect, useRef } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

const DEFAULT_PANEL = 'w-[calc(100%-2rem)] max-w-sm rounded-2xl bg-surface p-6 shadow-xl';

/**
 * The one modal of the app: a native <dialog> opened with showModal(), so the page behind is
 * inert, Escape closes it (as `onCancel`) and focus goes back to where it was when it closes.
 * Tab and Shift+Tab also wrap inside it, rather than leaving for the browser's own controls.
 * It stays mounted and is opened and closed by `open`: removing an open dialog would lose the
 * focus it should give back.
 */
export function ModalDialog({
  open, onCancel, onClosed, role = 'dialog', labelledBy, describedBy, className = DEFAULT_PANEL, children,
}: {
  open: boolean;
  /** Escape: what the person's "never mind" means here (for the idle warning: stay signed in). */
  onCancel: () => void;
  /** The dialog has closed (focus is back where it was): focus may move elsewhere now. */
  onClosed?: () => void;
  role?: 'dialog' | 'alertdialog';
  labelledBy: string;
  describedBy?: string;
  /** The panel's classes; the default is a small centred card. */
  className?: string;
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Browsers differ on what showModal() focuses (the dialog itself, or nothing when the
      // page's own focus was in a text field): start on the first control, or one marked autofocus.
      const active = document.activeElement;
      if (!active || active === dialog || !dialog.contains(active)) {
        (dialog.querySelector<HTMLElement>('[autofocus]') ?? dialog.querySelector<HTMLElement>(FOCUSABLE))?.focus();
      }
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-modal="true"
      // Its content is drawn only while open: a closed dialog names nothing that is not there.
      aria-labelledby={open ? labelledBy : undefined}
      aria-describedby={open ? describedBy : undefined}
      onCancel={(event) => {
        // Closing is React's to decide (`open`), so the element and the state never disagree.
        event.preventDefault();
        onCancel();
      }}
      onClose={onClosed}
      onKeyDown={(event) => {
        if (event.key !== 'Tab') return;
        const items = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE));
        if (items.length === 0) return;
        const first = items[0]!;
        const last = items[items.length - 1]!;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }}
      className={`m-auto text-fg backdrop:bg-black/50 ${className}`}
    >
      {open ? children : null}
    </dialog>
  );
}
