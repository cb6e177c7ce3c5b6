import { useRef } from 'react';

type ResizerProps = {
  width: number;
  min: number;
  max: number;
  onResize: (width: number) => void;
};

const clamp = (value: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, value));

/** A vertical splitter: drag it, or focus it and use the arrow keys. */
export function Resizer({ width, min, max, onResize }: ResizerProps) {
  const start = useRef<{ x: number; width: number } | null>(null);
  return (
    <div
      className="cf-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize sidebar"
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={width}
      tabIndex={0}
      data-testid="sidebar-resizer"
      onPointerDown={(event) => {
        start.current = { x: event.clientX, width };
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event) => {
        if (!start.current) return;
        onResize(clamp(start.current.width + event.clientX - start.current.x, min, max));
      }}
      onPointerUp={() => {
        start.current = null;
      }}
      onKeyDown={(event) => {
        const step = event.shiftKey ? 48 : 16;
        if (event.key === 'ArrowLeft') onResize(clamp(width - step, min, max));
        if (event.key === 'ArrowRight') onResize(clamp(width + step, min, max));
      }}
    />
  );
}
