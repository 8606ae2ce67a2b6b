import type { GraphQLSchema } from 'graphql';
import { graphqlJs } from './graphql-js.ts';

const {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLNonNull,
  GraphQLSchema: Schema,
  GraphQLString,
} = graphqlJs;

/** `@defer` as the incremental delivery RFC (and the federation query planner) defines it. */
const DEFER_DIRECTIVE = new GraphQLDirective({
  name: 'defer',
  description: 'Delivers the fragment after the rest of the response, in its own payload (multipart/mixed).',
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: {
    label: { type: GraphQLString, description: 'Names the payload of this fragment.' },
    if: {
      type: new GraphQLNonNull(GraphQLBoolean),
      defaultValue: true,
      description: 'Defers only when true.',
    },
  },
});

const withDefer = new WeakMap<GraphQLSchema, GraphQLSchema>();

/**
 * The gateway's API schema with @defer declared, so Apollo Server validates operations that use it (the gateway
 * builds its schema without it). The same schema object is returned for the same input.
 */
export function withDeferDirective(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getDirective('defer')) return schema;
  let extended = withDefer.get(schema);
  if (!extended) {
    const config = schema.toConfig();
    extended = new Schema({ ...config, directives: [...config.directives, DEFER_DIRECTIVE] });
    withDefer.set(schema, extended);
  }
  return extended;
}
