import type { Operation, Schema } from '@apollo/federation-internals';
import { listen } from '@supergraph/service-kit/http';
import { createLogger } from '@supergraph/service-kit/logger';
import { graphql, testSecrets } from '@supergraph/testing';
import { parse, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import {
  installOperationMemo,
  loadApolloModules,
  memoisedOperationFromDocument,
  ORIGINAL,
} from '../src/operation-memo.ts';
import { installResultShaping } from '../src/result-shaping/install.ts';
import { buildRouter } from '../src/server.ts';
import { serveForeignSupergraph, type ForeignSupergraph } from './foreign-subgraphs.ts';

const logger = createLogger('gateway', 'silent');

describe('the memo of executeQueryPlan’s operation', () => {
  /** A stand-in for federation-internals' function: a new object per call, and the calls it received. */
  const counting = () => {
    const calls: DocumentNode[] = [];
    const original = (_schema: Schema, document: DocumentNode) => {
      calls.push(document);
      return { built: calls.length } as unknown as Operation;
    };
    return { calls, memoised: memoisedOperationFromDocument(original) };
  };
  const schemaA = {} as Schema;
  const schemaB = {} as Schema;
  const parsed = parse('query Q { a ...F } fragment F on Query { b }');
  const [operationNode, fragmentNode] = parsed.definitions;
  /** executeQueryPlan's document: a new one per request, around the same parsed nodes. */
  const executorDocument = (...definitions: DocumentNode['definitions']): DocumentNode => ({
    kind: parsed.kind,
    definitions,
  });

  it('builds an operation once per schema, operation node and fragment nodes', () => {
    const { calls, memoised } = counting();

    const first = memoised(schemaA, executorDocument(operationNode!, fragmentNode!), { validate: false });
    const again = memoised(schemaA, executorDocument(operationNode!, fragmentNode!), { validate: false });
    const otherSchema = memoised(schemaB, executorDocument(operationNode!, fragmentNode!), {
      validate: false,
    });
    const otherFragments = memoised(schemaA, executorDocument(operationNode!), { validate: false });

    expect(again).toBe(first);
    expect(otherSchema).not.toBe(first);
    expect(otherFragments).not.toBe(first);
    expect(calls).toHaveLength(3);
  });

  it('leaves every other call alone: validated ones and those naming an operation (planning)', () => {
    const { calls, memoised } = counting();

    memoised(schemaA, parsed);
    memoised(schemaA, parsed);
    memoised(schemaA, parsed, { operationName: 'Q', validate: false });
    memoised(schemaA, parsed, { operationName: 'Q', validate: false });

    expect(calls).toHaveLength(4);
  });
});

describe('a gateway with the memo installed', () => {
  // federation-internals' module as @apollo/gateway resolves it, and the original the install records on it.
  const { operations } = loadApolloModules();
  const real = operations[ORIGINAL] ?? operations.operationFromDocument;
  /** The operations the executor had built for it (its calls with `validate: false`), memo misses only. */
  let executorBuilds = 0;
  let foreign: ForeignSupergraph;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    operations[ORIGINAL] = (schema, document, options) => {
      if (options?.validate === false) executorBuilds += 1;
      return real(schema, document, options);
    };
    expect(installOperationMemo(logger)).toBe(true);
    installResultShaping('lean', logger);
    foreign = await serveForeignSupergraph('operation-memo');
    const router = buildRouter(
      loadEnv({ ...testSecrets(), NODE_ENV: 'test', LOG_LEVEL: 'silent', SUPERGRAPH_PATH: foreign.path }),
      logger,
    );
    await router.start();
    const http = await listen(router.app, 0, '127.0.0.1');
    url = `${http.url}/graphql`;
    close = async () => {
      await http.close(0);
      await router.stop();
    };
  });
  afterAll(async () => {
    await close?.();
    await foreign?.stop();
    operations[ORIGINAL] = real;
    installOperationMemo(logger);
  });

  it('builds the operation of a document once, and answers each request with its own variables', async () => {
    const query = `query Products($withReviews: Boolean!) {
      topProducts { upc ...Named reviews @include(if: $withReviews) { body } }
    }
    fragment Named on Product { name }`;

    const withReviews = (await graphql(url, query, { withReviews: true })).body;
    const without = (await graphql(url, query, { withReviews: false })).body;
    const withAgain = (await graphql(url, query, { withReviews: true })).body;

    expect(withReviews).toEqual({
      data: {
        topProducts: [
          { upc: 'p1', name: 'Table', reviews: [{ body: 'Love it' }, { body: 'Sturdy' }] },
          { upc: 'p2', name: 'Couch', reviews: [{ body: 'Too heavy' }] },
          { upc: 'p3', name: 'Chair', reviews: [] },
        ],
      },
    });
    expect(without).toEqual({
      data: {
        topProducts: [
          { upc: 'p1', name: 'Table' },
          { upc: 'p2', name: 'Couch' },
          { upc: 'p3', name: 'Chair' },
        ],
      },
    });
    expect(withAgain).toEqual(withReviews);
    // Apollo Server parsed the text once (its document cache), so the executor got the same nodes 3 times.
    expect(executorBuilds).toBe(1);
  });
});
