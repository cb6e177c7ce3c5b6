import { describe, expect, it } from 'vitest';
import { AA_LARGE_TEXT, AA_TEXT, contrastRatio } from './contrast';
import { palettes, textPairs, type ThemeName } from './tokens';

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
