import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { RequestHandler } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { RouterEnv } from './env.ts';

/** The codes a client sees when an operation is refused for its shape; documented in docs/operations.md. */
export const LimitCode = {
  depth: 'DEPTH_LIMIT_EXCEEDED',
  aliases: 'ALIAS_LIMIT_EXCEEDED',
  directives: 'DIRECTIVE_LIMIT_EXCEEDED',
  cost: 'COST_LIMIT_EXCEEDED',
  tokens: 'TOKEN_LIMIT_EXCEEDED',
} as const;

/**
 * graphql-armor's limits, sized from config. They run in the gateway's validation phase, before any query
 * plan is executed. Field suggestions ("Did you mean …?") are removed in production only: they help
 * developers and help attackers map the schema.
 */
export function armorProtection(env: RouterEnv) {
  const protection = new ApolloArmor({
    maxDepth: { n: env.MAX_DEPTH, ignoreIntrospection: true },
    maxAliases: { n: env.MAX_ALIASES },
    maxDirectives: { n: env.MAX_DIRECTIVES },
    // Cost is estimated by `costLimitPlugin` (graphql-query-complexity), which sees variables.
    costLimit: { enabled: false },
    // Armor's Apollo token plugin throws from `parsingDidStart`, which turns every syntax error into a 500;
    // tokens are counted by `tokenLimit` below instead, with the same armor parser.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: env.NODE_ENV === 'production' },
  }).protect();
  // Armor's typings come from @apollo/server's CommonJS build, ours from its ESM build: same runtime shape.
  return {
    validationRules: protection.validationRules,
    plugins: protection.plugins as unknown as ApolloServerPlugin[],
  };
}

/**
 * Refuses an operation with more than `maxTokens` tokens before Apollo parses it (400). Syntax errors are
 * left for Apollo to report as GRAPHQL_PARSE_FAILED.
 */
export function tokenLimit(maxTokens: number): RequestHandler {
  const check = createTokenCheck(maxTokens);
  return (req, res, next) => {
    const body: unknown = req.body;
    const query =
      body && typeof body === 'object' && 'query' in body
        ? body.query
        : (req.query as Record<string, unknown>)['query'];
    const refusal = check(query);
    if (!refusal) return next();
    res.status(400).json({ errors: [refusal] });
  };
}

/**
 * The token limit's verdict on an operation's text: the error to refuse it with, or undefined. Also what
 * subscriptions over WebSocket (which never pass the HTTP screens) are checked with.
 */
export function createTokenCheck(maxTokens: number): (query: unknown) => GraphQLFormattedError | undefined {
  // Clients repeat the same few documents: remember the ones already counted as within the limit, so the
  // common case costs a map lookup instead of a second full lexing pass (Apollo parses the document too).
  const withinLimit = new Set<string>();
  const remember = (query: string) => {
    if (query.length > 10_000) return;
    if (withinLimit.size >= 1_000) withinLimit.delete(withinLimit.values().next().value!);
    withinLimit.add(query);
  };
  return (query) => {
    if (typeof query !== 'string' || withinLimit.has(query)) return undefined;
    let exceeded = false;
    try {
      new MaxTokensParserWLexer(query, { n: maxTokens, onReject: [() => (exceeded = true)] }).parseDocument();
    } catch {
      // Either our limit (flagged above) or a syntax error that Apollo will report properly.
    }
    if (!exceeded) {
      remember(query);
      return undefined;
    }
    return {
      message: `The operation has more than ${maxTokens} tokens; split it or use fewer fields.`,
      extensions: { code: LimitCode.tokens },
    };
  };
}

/** Armor's messages name the limit; Apollo files every validation error under one code, so we recode. */
const LIMIT_MESSAGES: [RegExp, string][] = [
  [/depth limit of \d+ exceeded/i, LimitCode.depth],
  [/aliases limit of \d+ exceeded/i, LimitCode.aliases],
  [/directives limit of \d+ exceeded/i, LimitCode.directives],
];

export const limitCodeOf = (message: string): string | undefined =>
  LIMIT_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
