import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Snippet } from './Snippet';

afterEach(cleanup);

describe('Snippet', () => {
  it('highlights matched runs with <mark>', () => {
    const { container } = render(
      <Snippet
        runs={[
          { text: 'quick ', highlight: false },
          { text: 'sort', highlight: true },
          { text: ' in place', highlight: false },
        ]}
      />,
    );
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['sort']);
    expect(container.textContent).toBe('quick sort in place');
  });

  it('never turns message text into elements', () => {
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';
    const { container } = render(
      <Snippet
        runs={[
          { text: hostile, highlight: false },
          { text: '<b>match</b>', highlight: true },
        ]}
      />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('mark')?.textContent).toBe('<b>match</b>');
    expect(container.textContent).toContain('<img src=x onerror="window.pwned=1">');
  });
});
