import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { subgraphEnv } from '@supergraph/service-kit/env';
import { BASE_SCHEMA_FILE, listSchemaFiles, readSchemaSdl } from '@supergraph/service-kit/graphql';
import { createByIdLoader } from '@supergraph/service-kit/loaders';
import { noNul, parseInput } from '@supergraph/service-kit/validation';

/** What a thrown GraphQLError carries to the client. */
function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { message: error.message, extensions: error.extensions };
  }
  throw new Error('expected a GraphQLError');
}

describe('parseInput', () => {
  const input = z.object({
    name: z
      .string()
      .trim()
      .min(1, 'name must not be empty')
      .refine(...noNul('name')),
    items: z.array(z.object({ sku: z.string().refine(...noNul('sku')) })),
  });

  it('returns the parsed value', () => {
    expect(parseInput(input, { name: ' Ada ', items: [{ sku: 'A' }] })).toEqual({
      name: 'Ada',
      items: [{ sku: 'A' }],
    });
  });

  it('turns the first failure into BAD_USER_INPUT naming the field by its path', () => {
    expect(refusal(() => parseInput(input, { name: '', items: [] }))).toEqual({
      message: 'name must not be empty',
      extensions: { code: 'BAD_USER_INPUT', field: 'name' },
    });
    expect(refusal(() => parseInput(input, { name: 'x', items: [{ sku: 'a\0b' }] }))).toEqual({
      message: 'sku must not contain NUL characters',
      extensions: { code: 'BAD_USER_INPUT', field: 'items.0.sku' },
    });
  });

  it('names no field when the input as a whole is wrong', () => {
    expect(refusal(() => parseInput(input, null))).toEqual({
      message: expect.any(String),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('createByIdLoader', () => {
  const ADA = { id: '00000000-0000-4000-8000-000000000001', name: 'Ada' };
  const GRACE = { id: '00000000-0000-4000-8000-000000000002', name: 'Grace' };

  it('asks for every valid id of a tick in one batch, normalised, and answers each key in order', async () => {
    const batches: string[][] = [];
    const sizes: number[] = [];
    const loader = createByIdLoader(
      'person',
      async (ids) => {
        batches.push(ids);
        return [ADA, GRACE].filter((row) => ids.includes(row.id));
      },
      { observeBatch: (name, size) => sizes.push(size) },
    );

    const answers = await Promise.all([
      loader.load(GRACE.id),
      loader.load('not-a-uuid'),
      loader.load(ADA.id.toUpperCase()),
      loader.load('00000000-0000-4000-8000-0000000000ff'),
    ]);

    expect(answers).toEqual([GRACE, null, ADA, null]);
    expect(batches).toEqual([[GRACE.id, ADA.id, '00000000-0000-4000-8000-0000000000ff']]);
    expect(sizes).toEqual([4]);
  });

  it('does not reach the finder when no id can exist', async () => {
    const batches: string[][] = [];
    const loader = createByIdLoader('person', async (ids) => {
      batches.push(ids);
      return [];
    });

    expect(await loader.loadMany(['x', 'y'])).toEqual([null, null]);
    expect(batches).toEqual([]);
  });
});

describe('subgraphEnv', () => {
  const schema = z.object(subgraphEnv('reviews', { port: 4003, serviceRoot: '/srv/reviews' }));

  it('gives a subgraph its port, its PGlite folder and safe defaults, and needs only the gateway secret', () => {
    const env = schema.parse({ INTERNAL_SECRET: 'x'.repeat(32) });

    expect(env).toMatchObject({
      PORT: 4003,
      DATA_DIR: '/srv/reviews/.data/reviews',
      CACHE_MAX_AGE_SECONDS: 30,
      SEED_DEMO_DATA: true,
      NODE_ENV: 'development',
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('describes every variable it adds, for the configuration reference', () => {
    for (const key of [
      'PORT',
      'DATA_DIR',
      'INTERNAL_SECRET',
      'CACHE_MAX_AGE_SECONDS',
      'SEED_DEMO_DATA',
    ] as const) {
      expect(schema.shape[key].description, key).toEqual(expect.any(String));
    }
  });
});

describe('subgraph SDL', () => {
  it('is the kit base (federation link, DateTime, PageInfo) followed by the subgraph files in path order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subgraph-sdl-'));
    try {
      mkdirSync(join(dir, 'thing'));
      writeFileSync(join(dir, 'thing', 'schema.graphql'), 'type Thing {\n  id: ID!\n}\n');
      writeFileSync(join(dir, 'a.graphql'), 'type Query {\n  thing: Thing\n}\n');

      expect(listSchemaFiles(dir)).toEqual([join(dir, 'a.graphql'), join(dir, 'thing', 'schema.graphql')]);
      const sdl = readSchemaSdl(dir);
      expect(sdl.startsWith(readFileSync(BASE_SCHEMA_FILE, 'utf8'))).toBe(true);
      expect(sdl.endsWith('type Query {\n  thing: Thing\n}\n\ntype Thing {\n  id: ID!\n}\n')).toBe(true);
      // Prettier breaks the link over lines (it imports the authorization directives too).
      expect(sdl).toMatch(/extend schema\s+@link\(\s*url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.9"/);
      expect(sdl).toContain('type PageInfo @shareable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
