import { describe, expect, it } from 'vitest';
import { quickAskBounds, restoreWindowState } from './window-state';

const laptop = { id: 1, workArea: { x: 0, y: 0, width: 1440, height: 900 } };
const monitor = { id: 2, workArea: { x: 1440, y: -200, width: 2560, height: 1400 } };
const defaultSize = { width: 1200, height: 800 };

describe('restoreWindowState', () => {
  it('opens centred on the primary display the first time', () => {
    expect(
      restoreWindowState({ saved: undefined, displays: [laptop], primary: laptop, defaultSize }),
    ).toEqual({ bounds: { x: 120, y: 50, width: 1200, height: 800 }, maximized: false });
  });

  it('puts the window back where it was, on the display it was on, maximized or not', () => {
    const saved = {
      bounds: { x: 1600, y: 0, width: 1000, height: 700 },
      displayId: 2,
      maximized: true,
    };
    expect(
      restoreWindowState({ saved, displays: [laptop, monitor], primary: laptop, defaultSize }),
    ).toEqual({ bounds: saved.bounds, maximized: true });
  });

  it('moves a window whose display is gone onto one that is there', () => {
    const saved = {
      bounds: { x: 1600, y: 0, width: 1000, height: 700 },
      displayId: 2,
      maximized: false,
    };
    expect(restoreWindowState({ saved, displays: [laptop], primary: laptop, defaultSize })).toEqual(
      { bounds: { x: 220, y: 100, width: 1000, height: 700 }, maximized: false },
    );
  });

  it('brings back a window left almost entirely off its display, shrunk to fit', () => {
    const saved = {
      bounds: { x: 1400, y: 850, width: 3000, height: 2000 },
      displayId: 1,
      maximized: false,
    };
    expect(restoreWindowState({ saved, displays: [laptop], primary: laptop, defaultSize })).toEqual(
      { bounds: { x: 0, y: 0, width: 1440, height: 900 }, maximized: false },
    );
  });

  it('treats a damaged saved state as none', () => {
    for (const saved of [{ bounds: 'x' }, { bounds: { x: 0, y: 0, width: -5, height: 1 } }, 42]) {
      expect(
        restoreWindowState({ saved, displays: [laptop], primary: laptop, defaultSize }).bounds,
      ).toEqual({ x: 120, y: 50, width: 1200, height: 800 });
    }
  });
});

describe('quickAskBounds', () => {
  it('opens on the display under the pointer, centred and near the top', () => {
    expect(quickAskBounds({ display: monitor, size: { width: 680, height: 460 } })).toEqual({
      x: 1440 + 940,
      y: -200 + 280,
      width: 680,
      height: 460,
    });
  });

  it('never exceeds a small display', () => {
    const small = { id: 3, workArea: { x: 0, y: 0, width: 360, height: 400 } };
    expect(quickAskBounds({ display: small, size: { width: 680, height: 460 } })).toEqual({
      x: 0,
      y: 0,
      width: 360,
      height: 400,
    });
  });
});
