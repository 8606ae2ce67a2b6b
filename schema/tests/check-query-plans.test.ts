import { OperationTypeNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkQueryPlans } from '../src/checks/query-plans.ts';
import { findOperationFiles, readOperationFiles } from '../src/operations/corpus.ts';
import { planCorpus } from '../src/operations/plan-corpus.ts';
import { readPlanSnapshots } from '../src/operations/plan-snapshots.ts';
import { fetchedSubgraphs } from '../src/operations/query-plan.ts';
import { QUERY_PLANS_DIR, REPO_ROOT } from '../src/paths.ts';
import { loadSubgraphs } from '../src/subgraphs.ts';
import { composed } from './fixtures.ts';

const supergraphSdl = composed(loadSubgraphs());
const corpus = readOperationFiles(findOperationFiles(REPO_ROOT), REPO_ROOT);
const snapshots = readPlanSnapshots(QUERY_PLANS_DIR);
const snapshotsDir = 'schema/query-plans';

describe('the query-plans check', () => {
  it('passes when every operation plans within its committed snapshot', () => {
    const result = checkQueryPlans({ supergraphSdl, corpus, snapshots, snapshotsDir });

    expect(result).toMatchObject({ name: 'query-plans', status: 'pass', details: [], warnings: [] });
    expect(snapshots.get('MyOrders')).toMatchObject({ fetches: 3, subgraphs: ['users', 'orders', 'users'] });
    expect(snapshots.get('OrdersWithUsers')).toMatchObject({ fetches: 2, subgraphs: ['orders', 'users'] });
  });

  it('plans a deferred fragment as the gateway does: its fetches count, in the part they arrive in', () => {
    const { plans, problems } = planCorpus(supergraphSdl, [
      {
        file: 'clients/web/operations/MeFirst.graphql',
        source:
          'query MeFirst { me { name ... @defer(label: "orders") { orders(first: 2) { edges { node { id } } } } } }',
      },
    ]);

    expect(problems).toEqual([]);
    expect(plans[0]).toMatchObject({ operation: 'MeFirst', fetches: 2, subgraphs: ['users', 'orders'] });
    expect(plans[0]!.plan).toMatch(/Defer \{[\s\S]*Deferred\(depends: \[0\], path: "me", label: "orders"\)/);
  });

  it('fails when an operation needs more fetches than its snapshot allows', () => {
    // The snapshot allows orders, then users; the users of each user's orders need a second users fetch.
    const deeper = {
      file: 'e2e/operations/OrdersWithUsers.graphql',
      source: `query OrdersWithUsers($first: Int!) {
        orders(first: $first) { edges { node { id user { name orders { edges { node { id user { name } } } } } } } }
      }`,
    };

    const result = checkQueryPlans({
      supergraphSdl,
      corpus: [deeper],
      snapshots: pick('OrdersWithUsers'),
      snapshotsDir,
    });

    expect(result.status).toBe('fail');
    expect(result.details).toEqual([
      'OrdersWithUsers: 3 fetches (orders, users, users) exceeds its budget of 2 fetches (orders, users); ' +
        'avoid the extra fetch, or if it is intended run `npm run schema:check -- --update-plans` and commit the snapshot',
    ]);
  });

  it('fails with instructions when an operation has no snapshot', () => {
    const result = checkQueryPlans({ supergraphSdl, corpus, snapshots: new Map(), snapshotsDir });

    expect(result.status).toBe('fail');
    expect(result.details).toContain(
      'Users: no snapshot schema/query-plans/Users.json (plan: 1 fetch (users)); run `npm run schema:check -- --update-plans` and commit it',
    );
  });

  it('warns that the snapshot is outdated when an operation got cheaper', () => {
    const cheaper = { file: 'MyOrders.graphql', source: 'query MyOrders { me { name } }' };

    const result = checkQueryPlans({
      supergraphSdl,
      corpus: [cheaper],
      snapshots: pick('MyOrders'),
      snapshotsDir,
    });

    expect(result.status).toBe('pass');
    expect(result.warnings).toEqual([
      'MyOrders: snapshot outdated: now 1 fetch (users), snapshot 3 fetches (users, orders, users); run `npm run schema:check -- --update-plans`',
    ]);
  });
});

describe('counting the fetches of a plan', () => {
  it('walks sequences, parallels, flattens, conditions and deferred parts in plan order', () => {
    const fetch = (serviceName: string) =>
      ({
        kind: 'Fetch',
        serviceName,
        operation: '{}',
        operationName: undefined,
        operationKind: OperationTypeNode.QUERY,
      }) as const;

    const subgraphs = fetchedSubgraphs({
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          fetch('a'),
          { kind: 'Parallel', nodes: [{ kind: 'Flatten', path: [], node: fetch('b') }, fetch('c')] },
          { kind: 'Condition', condition: 'x', ifClause: fetch('d'), elseClause: fetch('e') },
          {
            kind: 'Defer',
            primary: { node: fetch('f') },
            deferred: [{ depends: [], queryPath: [], node: fetch('g') }],
          },
        ],
      },
    });

    expect(subgraphs).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
});

function pick(name: string) {
  return new Map([...snapshots].filter(([operation]) => operation === name));
}
