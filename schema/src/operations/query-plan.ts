import { operationFromDocument } from '@apollo/federation-internals';
import {
  QueryPlanner,
  prettyFormatQueryPlan,
  type PlanNode,
  type QueryPlan,
  type SubscriptionNode,
} from '@apollo/query-planner';
import type { DocumentNode } from 'graphql';
import { buildSupergraph } from '../api-schema.ts';

/** What a plan costs: how many subgraph fetches, to which subgraphs (in plan order), and the plan itself. */
export interface PlanSummary {
  readonly operation: string;
  readonly fetches: number;
  readonly subgraphs: string[];
  readonly plan: string;
}

export type PlanOperation = (document: DocumentNode, operationName: string) => PlanSummary;

/**
 * A planner for the supergraph, built the way the gateway builds its own, so the plans are the ones the
 * gateway would execute — without starting it or any subgraph.
 */
export function createPlanner(supergraphSdl: string): PlanOperation {
  const supergraph = buildSupergraph(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  // Deferred fragments planned as the gateway's @defer planner does (router/src/defer/planner.ts): their
  // fetches count toward the operation's budget, in the parts they arrive in.
  const planner = new QueryPlanner(supergraph, { incrementalDelivery: { enableDefer: true } });
  return (document, operationName) => {
    const operation = operationFromDocument(apiSchema, document, { operationName });
    const plan = planner.buildQueryPlan(operation);
    const subgraphs = fetchedSubgraphs(plan);
    return {
      operation: operationName,
      fetches: subgraphs.length,
      subgraphs,
      plan: prettyFormatQueryPlan(plan),
    };
  };
}

/** One entry per Fetch node, in the order the plan lists them (deferred parts after the primary). */
export function fetchedSubgraphs(plan: QueryPlan): string[] {
  return plan.node ? visit(plan.node) : [];
}

function visit(node: PlanNode | SubscriptionNode): string[] {
  switch (node.kind) {
    case 'Fetch':
      return [node.serviceName];
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(visit);
    case 'Flatten':
      return visit(node.node);
    case 'Condition':
      return [
        ...(node.ifClause ? visit(node.ifClause) : []),
        ...(node.elseClause ? visit(node.elseClause) : []),
      ];
    case 'Defer':
      return [
        ...(node.primary.node ? visit(node.primary.node) : []),
        ...node.deferred.flatMap((deferred) => (deferred.node ? visit(deferred.node) : [])),
      ];
    case 'Subscription':
      return [...visit(node.primary), ...(node.rest ? visit(node.rest) : [])];
  }
}
