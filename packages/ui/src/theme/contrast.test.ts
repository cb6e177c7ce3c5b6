import { describe, expect, it } from 'vitest';
import { palettes, type Palette, type ThemeName } from './tokens';

// WCAG 2.x relative luminance and contrast ratio of `#rrggbb` colours.

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function relativeLuminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [match[1], match[2], match[3]].map((h) => channel(parseInt(h ?? '0', 16)));
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrastRatio(foreground: string, background: string): number {
  const a = relativeLuminance(foreground);
  const b = relativeLuminance(background);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** WCAG AA: 4.5:1 for body text, 3:1 for large text. */
const AA_TEXT = 4.5;
const AA_LARGE_TEXT = 3;

/** Text colour on background colour pairs the UI actually uses; each must reach WCAG AA. */
const textPairs: ReadonlyArray<{ fg: keyof Palette; bg: keyof Palette; large?: boolean }> = [
  { fg: 'text', bg: 'bg' },
  { fg: 'text', bg: 'bgElevated' },
  { fg: 'text', bg: 'bgSunken' },
  { fg: 'text', bg: 'bgHover' },
  { fg: 'text', bg: 'bgSelected' },
  { fg: 'textMuted', bg: 'bg' },
  { fg: 'textMuted', bg: 'bgElevated' },
  { fg: 'textMuted', bg: 'bgHover' },
  { fg: 'accentText', bg: 'bg' },
  { fg: 'accentText', bg: 'bgElevated' },
  { fg: 'onAccent', bg: 'accent' },
  { fg: 'danger', bg: 'bg' },
  { fg: 'danger', bg: 'bgElevated' },
  { fg: 'warning', bg: 'bg' },
  { fg: 'warning', bg: 'bgElevated' },
  { fg: 'success', bg: 'bg' },
  { fg: 'markText', bg: 'mark' },
  { fg: 'codeText', bg: 'codeBg' },
  { fg: 'codeText', bg: 'diffAddedBg' },
  { fg: 'codeText', bg: 'diffRemovedBg' },
  { fg: 'textMuted', bg: 'codeBg' },
];

describe('contrastRatio', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
  });
});

describe.each(['light', 'dark'] satisfies ThemeName[])('the %s theme', (theme) => {
  const palette = palettes[theme];
  it.each(textPairs.map((p) => [p.fg, p.bg, p.large ?? false] as const))(
    '%s on %s reaches WCAG AA',
    (fg, bg, large) => {
      const ratio = contrastRatio(palette[fg], palette[bg]);
      expect(ratio).toBeGreaterThanOrEqual(large ? AA_LARGE_TEXT : AA_TEXT);
    },
  );
});
