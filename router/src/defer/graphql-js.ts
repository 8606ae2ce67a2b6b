import { createRequire } from 'node:module';
import type * as GraphQLJs from 'graphql';

/**
 * graphql-js as Apollo's CommonJS packages load it. Objects built here go into the gateway's schema and Apollo
 * executes with them; graphql-js refuses to mix schema objects of two loaded copies, and under a bundler or
 * Vite an `import` may give the ESM build (index.mjs) while Apollo holds the CommonJS one.
 */
export const graphqlJs = createRequire(import.meta.url)('graphql') as typeof GraphQLJs;
