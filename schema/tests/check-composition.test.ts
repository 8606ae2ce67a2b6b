import { afterEach, describe, expect, it } from 'vitest';
import { checkComposition } from '../src/checks/composition.ts';
import { runChecks } from '../src/checks/run-checks.ts';
import { loadCheckInputs } from '../src/cli/repo-inputs.ts';
import { composeSupergraph } from '../src/compose.ts';
import { loadSubgraphs } from '../src/subgraphs.ts';
import { copySubgraphs } from './fixtures.ts';

const copies: { remove(): void }[] = [];
afterEach(() => copies.splice(0).forEach((copy) => copy.remove()));

describe('the composition check', () => {
  it('passes on the current subgraphs', () => {
    const result = checkComposition(composeSupergraph(loadSubgraphs()), ['users', 'orders']);

    expect(result).toMatchObject({ name: 'composition', status: 'pass', details: [] });
    expect(result.summary).toContain('users, orders compose');
  });

  it('fails when two subgraphs define the same non-shareable field, naming the field and both subgraphs', () => {
    const copy = copySubgraphs();
    copies.push(copy);
    // users defining orders' Money as well: neither declares it @shareable.
    copy.write(
      'users/money.graphql',
      '"Money."\ntype Money {\n  "Amount."\n  amount: Int!\n  "Currency."\n  currency: String!\n}\n',
    );
    const subgraphs = copy.load();

    const result = checkComposition(composeSupergraph(subgraphs), ['users', 'orders']);

    expect(result.status).toBe('fail');
    const sharing = result.details.find((detail) => detail.startsWith('[INVALID_FIELD_SHARING]'));
    expect(sharing, result.details.join('\n\n')).toContain('"Money.amount"');
    expect(sharing).toMatch(/at users:\d+:\d+ {2}amount: Int!/);
    expect(sharing).toMatch(/at orders:\d+:\d+ {2}amount: Int!/);
  });
});

describe('running every check on subgraphs that do not compose', () => {
  it('fails composition, still lints, and reports the checks that need a supergraph as not run', async () => {
    const copy = copySubgraphs();
    copies.push(copy);
    copy.write('orders/me.graphql', 'extend type Query {\n  "Me."\n  me: User\n}\n');

    const results = await runChecks(
      await loadCheckInputs({
        json: false,
        updatePlans: false,
        help: false,
        operationsDirs: [],
        subgraphsDir: copy.dir,
      }),
    );

    expect(results.map(({ name, status, summary }) => [name, status, summary])).toEqual([
      ['composition', 'fail', 'users, orders, catalog do not compose: 1 error(s)'],
      ['drift', 'fail', 'not run: the subgraphs do not compose'],
      ['breaking-changes', 'fail', 'not run: the subgraphs do not compose'],
      ['authorization', 'fail', 'not run: the subgraphs do not compose'],
      ['operations', 'fail', 'not run: the subgraphs do not compose'],
      ['subgraph-lint', 'pass', '7 SDL file(s) of users, orders, catalog clean'],
      ['query-plans', 'fail', 'not run: the subgraphs do not compose'],
      // Checked against the corpus alone: the gateway checks the manifest against what it serves.
      [
        'trusted-documents',
        'pass',
        expect.stringMatching(/^schema\/persisted-query-manifest\.json lists the \d+ client operation\(s\)$/),
      ],
    ]);
  });
});
