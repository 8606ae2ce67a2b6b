import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_OPTIONS, youngGenerationCapped } from '../src/heap.ts';

describe('heap sizing', () => {
  it('recognises the young-generation cap from the command line or NODE_OPTIONS, in either spelling', () => {
    expect(youngGenerationCapped([], GATEWAY_NODE_OPTIONS)).toBe(true);
    expect(youngGenerationCapped(['--max_semi_space_size=8'], '')).toBe(true);
    expect(youngGenerationCapped(['--max-old-space-size=512'], '--enable-source-maps')).toBe(false);
    expect(youngGenerationCapped([], '')).toBe(false);
  });

  it('is one flag Node accepts in NODE_OPTIONS', () => {
    expect(GATEWAY_NODE_OPTIONS).toMatch(/^--max-semi-space-size=\d+$/);
  });
});
