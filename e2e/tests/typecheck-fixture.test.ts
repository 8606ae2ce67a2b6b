import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Generated resolver types are only worth generating if a resolver that disagrees with the schema cannot ship:
 * the users subgraph's own `tsc` (what `npm run typecheck` runs) must reject it, and ESLint must reject `any`.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const usersDir = join(root, 'subgraphs/users');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// User.name is a String! in the schema; this resolver returns a number.
const BAD_RESOLVER = `import type { Resolvers } from '../generated/resolvers-types.ts';

export const badResolvers: Resolvers = {
  User: {
    name: () => 42,
  },
};
`;

function typecheckUsers() {
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', usersDir], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the users subgraph's typecheck", () => {
  it(
    'passes as committed, and fails on a resolver whose User.name returns a number',
    { timeout: 180_000 },
    () => {
      const clean = typecheckUsers();
      expect(clean.output).toBe('');
      expect(clean.status).toBe(0);

      // Unique, inside the users tree (so the subgraph's own tsconfig includes it), and always removed.
      const fixtureDir = join(usersDir, 'src', `__typecheck_fixture_${randomUUID().slice(0, 8)}__`);
      const fixtureFile = join(fixtureDir, 'bad-resolver.ts');
      let broken;
      try {
        mkdirSync(fixtureDir);
        writeFileSync(fixtureFile, BAD_RESOLVER);
        broken = typecheckUsers();
      } finally {
        rmSync(fixtureDir, { recursive: true, force: true });
      }

      expect(broken.status).not.toBe(0);
      const errors = broken.output.split('\n').filter((line) => line.includes(': error TS'));
      expect(errors.length).toBeGreaterThan(0);
      // Every error is the fixture's, and it names the mismatch: a number where User.name wants a string.
      for (const error of errors)
        expect(error).toContain(`${fixtureDir.slice(root.length)}/bad-resolver.ts(`);
      expect(broken.output).toMatch(/Type 'number' is not assignable to type '.*string.*'/);
    },
  );
});

describe('ESLint on resolver files', () => {
  const eslint = new ESLint({ cwd: root });

  it('makes no-explicit-any an error in both subgraphs', async () => {
    for (const file of [
      'subgraphs/users/src/graphql/user/resolvers.ts',
      'subgraphs/orders/src/graphql/order/resolvers.ts',
    ]) {
      const config = (await eslint.calculateConfigForFile(join(root, file))) as {
        rules: Record<string, unknown>;
      };
      expect([config.rules['@typescript-eslint/no-explicit-any']].flat()[0], file).toBe(2);
    }
  });

  it('rejects a resolver that takes `any`', async () => {
    const [result] = await eslint.lintText('export const resolve = (_: any) => 1;\n', {
      filePath: join(usersDir, 'src/graphql/user/any-resolver.ts'),
    });
    expect(result?.messages.map(({ ruleId, severity }) => [ruleId, severity])).toEqual([
      ['@typescript-eslint/no-explicit-any', 2],
    ]);
  });
});

describe('ESLint keeps services apart', () => {
  const eslint = new ESLint({ cwd: root });

  it.each([
    [
      'orders',
      'users',
      "import { users } from '@supergraph/users/db-schema';\nexport const table = users;\n",
    ],
    [
      'users',
      'orders',
      "import { orders } from '@supergraph/orders/db-schema';\nexport const table = orders;\n",
    ],
  ])('refuses code of the %s service that imports the %s service', async (service, other, code) => {
    const [result] = await eslint.lintText(code, {
      filePath: join(root, `subgraphs/${service}/src/db/leak.ts`),
    });
    expect(result?.messages.map(({ ruleId, severity, message }) => [ruleId, severity, message])).toEqual([
      ['no-restricted-imports', 2, expect.stringContaining(`must not import the ${other} service`)],
    ]);
  });
});
