import { z } from 'zod';

export type Rect = { x: number; y: number; width: number; height: number };
export type DisplayArea = { id: number; workArea: Rect };

const rectSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** The main window as it was when it last moved or closed; kept per device, never synced. */
export const windowStateSchema = z.object({
  /** The window's normal (not maximized) bounds, so un-maximizing goes back to them. */
  bounds: rectSchema,
  displayId: z.number().int().nullable(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** How much of a window must show on a display for it to count as reachable there. */
const MIN_VISIBLE = { width: 160, height: 80 };

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function centredIn(area: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * Where the main window opens: where it was, on the display it was on, if enough of it still
 * shows there; otherwise the same size (shrunk to fit) centred on the display it overlaps most,
 * or on the primary display when the one it was on is gone. A saved state that does not parse
 * (hand-edited, an older version) is treated as none.
 */
export function restoreWindowState(options: {
  saved: unknown;
  displays: readonly DisplayArea[];
  primary: DisplayArea;
  defaultSize: { width: number; height: number };
}): { bounds: Rect; maximized: boolean } {
  const { displays, primary, defaultSize } = options;
  const parsed = windowStateSchema.safeParse(options.saved);
  if (!parsed.success)
    return { bounds: centredIn(primary.workArea, defaultSize), maximized: false };
  const { bounds, displayId, maximized } = parsed.data;
  const home = displays.find((display) => display.id === displayId);
  if (home) {
    const seen = overlap(bounds, home.workArea);
    if (seen.width >= MIN_VISIBLE.width && seen.height >= MIN_VISIBLE.height) {
      // Still reachable where it was; only shrunk if the display got smaller.
      const width = Math.min(bounds.width, home.workArea.width);
      const height = Math.min(bounds.height, home.workArea.height);
      return { bounds: { ...bounds, width, height }, maximized };
    }
  }
  const best = displays
    .map((display) => {
      const seen = overlap(bounds, display.workArea);
      return { display, area: seen.width * seen.height };
    })
    .sort((a, b) => b.area - a.area)[0];
  const target = home ?? (best && best.area > 0 ? best.display : primary);
  return { bounds: centredIn(target.workArea, bounds), maximized };
}

/**
 * The quick-ask popup's place: on the display under the pointer, centred across it and a fifth
 * of the way down, like a launcher, never larger than that display's work area.
 */
export function quickAskBounds(options: {
  display: DisplayArea;
  size: { width: number; height: number };
}): Rect {
  const area = options.display.workArea;
  const width = Math.min(options.size.width, area.width);
  const height = Math.min(options.size.height, area.height);
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round(Math.min((area.height - height) / 2, area.height / 5)),
    width,
    height,
  };
}
