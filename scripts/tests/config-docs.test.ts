import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONFIG_REFERENCE_PATH, configReference } from '../config-docs/generate.ts';
import { renderConfigReference } from '../config-docs/render.ts';

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` writes from every env.ts now (run it and commit when this fails)', async () => {
    expect(readFileSync(CONFIG_REFERENCE_PATH, 'utf8')).toBe(await configReference());
  });

  it('lists every variable of every service and every per-subgraph pattern', async () => {
    const text = await configReference();
    for (const variable of [
      'JWT_SECRET',
      'SUBGRAPH_<NAME>_URL',
      'SUBGRAPH_<NAME>_TIMEOUT_MS',
      'TRUSTED_DOCUMENTS',
      'DATABASE_URL',
      'AMQP_URL',
      'EVENTS_MAX_ATTEMPTS',
      'ACCESS_TOKEN_TTL_SECONDS',
      '<NAME>_PORT',
      'LOG_FORMAT',
    ]) {
      expect(text, variable).toContain(`\`${variable}\``);
    }
  });
});

describe('the configuration reference renderer', () => {
  it('lists a shared variable once with the services that read it, and a service’s own under its name', () => {
    const shared = z.coerce.number().int().min(1).max(9).default(3).describe('Shared knob.');
    const markdown = renderConfigReference(
      [
        {
          service: 'a',
          schema: z.object({ SHARED: shared, ONLY_A: z.url().optional().describe('A link.') }),
        },
        {
          service: 'b',
          schema: z.object({ SHARED: shared, SECRET: z.string().min(32).describe('A secret.') }),
        },
        { service: 'c', schema: z.object({ MODE: z.enum(['x', 'y']).default('x').describe('A mode.') }) },
      ],
      '/repo',
    );
    expect(markdown).toContain('## a, b\n\n| variable | accepts | default | meaning |');
    expect(markdown).toContain('| `SHARED` | integer 1–9 | `3` | Shared knob. |');
    expect(markdown).toContain('| `ONLY_A` | URL | unset | A link. |');
    expect(markdown).toContain('| `SECRET` | text, 32+ characters | **required** | A secret. |');
    expect(markdown).toContain('| `MODE` | `x`, `y` | `x` | A mode. |');
  });

  it('refuses a variable without a description, naming it', () => {
    expect(() =>
      renderConfigReference([{ service: 'a', schema: z.object({ UNSAID: z.string().optional() }) }]),
    ).toThrow('a: UNSAID has no .describe()');
  });

  it('shows a default under the repository relative to it', () => {
    const markdown = renderConfigReference(
      [{ service: 'a', schema: z.object({ DIR: z.string().default('/repo/data/a').describe('Where.') }) }],
      '/repo',
    );
    expect(markdown).toContain('| `DIR` | text | `data/a` | Where. |');
  });
});
