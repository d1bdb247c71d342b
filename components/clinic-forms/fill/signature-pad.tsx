'use client';

import { useEffect, useRef, useState } from 'react';

const WIDTH = 600;
const HEIGHT = 180;

/**
 * A drawn signature: pointer events cover mouse, pen and touch (`touch-action: none` keeps the
 * page from scrolling while drawing). The PNG goes into a hidden field when a stroke ends. The
 * keyboard alternative is the typed name beside it, which alone is a valid signature.
 */
export function SignaturePad({ name, label, hint, areaLabel, clearLabel, drawnNote, clearedNote, disabled }: {
  name: string; label: string; hint: string; areaLabel: string; clearLabel: string; drawnNote: string; clearedNote: string; disabled?: boolean;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const drawing = useRef(false);
  const hintId = `${name}-hint`;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    context.lineWidth = 2.5;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#111827';
  }, []);

  const point = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * WIDTH, y: ((event.clientY - rect.top) / rect.height) * HEIGHT };
  };
  const down = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (disabled) return;
    const context = event.currentTarget.getContext('2d');
    if (!context) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drawing.current = true;
    const { x, y } = point(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + 0.1, y + 0.1);
    context.stroke();
  };
  const move = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const context = event.currentTarget.getContext('2d');
    const { x, y } = point(event);
    context?.lineTo(x, y);
    context?.stroke();
  };
  const up = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    drawing.current = false;
    setValue(event.currentTarget.toDataURL('image/png'));
    setNote(drawnNote);
  };
  const clear = () => {
    const canvas = canvasRef.current;
    canvas?.getContext('2d')?.clearRect(0, 0, WIDTH, HEIGHT);
    setValue('');
    setNote(clearedNote);
  };

  return (
    <div>
      <p className="text-sm font-medium">{label}</p>
      <p id={hintId} className="mt-0.5 text-sm text-fg-muted">{hint}</p>
      <canvas
        ref={canvasRef}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={areaLabel}
        aria-describedby={hintId}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
        className="mt-1 block aspect-[10/3] w-full touch-none rounded-lg border border-line bg-white"
      />
      <input type="hidden" name={name} value={value} disabled={disabled} />
      <div className="mt-2 flex items-center gap-3">
        <button type="button" onClick={clear} disabled={disabled || !value}
          className="inline-flex min-h-11 items-center rounded-lg border border-line bg-surface px-3 py-2 text-sm font-medium hover:bg-surface-muted disabled:text-fg-muted">
          {clearLabel}
        </button>
        <p role="status" className="text-sm text-fg-muted">{note}</p>
      </div>
    </div>
  );
}
