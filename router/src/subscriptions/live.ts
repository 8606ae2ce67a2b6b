import type { ServiceMap } from '@apollo/gateway';
import type { FetchNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { INTERNAL_TOKEN_HEADER, type Identity } from '@supergraph/service-kit/auth';
import { REQUEST_ID_HEADER } from '@supergraph/service-kit/http';
import type { Logger } from '@supergraph/service-kit/logger';
import type {
  DocumentNode,
  FormattedExecutionResult,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
} from 'graphql';
import { formattedError } from '../formatted-error.ts';
import type { SubscriptionMetrics } from '../metrics.ts';
import type { RouterContext } from '../request-scope.ts';
import { END_MESSAGES, SubscriptionCode, type EndReason } from './codes.ts';
import { resolveEvent, type EventPlan } from './event.ts';
import type { Reservation } from './registry.ts';
import type { EventResult, EventSharing } from './shared-events.ts';
import { openUpstream, type Upstream, type UpstreamMessage } from './upstream.ts';

/**
 * Events behind a client that reads slower than they come (resolving or resolved, not yet read): past this, the
 * subscription is ended (interrupted) rather than held in memory.
 */
const MAX_BEHIND = 1_000;

export type Transport = 'ws' | 'sse';

/** What the gateway knows of one client subscription once it passed every check and was planned. */
export interface LiveSpec {
  requestId: string;
  operationName: string;
  transport: Transport;
  identity: NonNullable<Identity>;
  /** When the client's access token expires (ms since the epoch); undefined when it carries no `exp`. */
  credentialsExpireAt: number | undefined;
  logger: Logger;
  /** The API schema and the document as executed (after authorization's filtering): graphql-ws wants them. */
  schema: GraphQLSchema;
  document: DocumentNode;
  primary: FetchNode;
  plan: EventPlan;
  /** Apollo's request context of the subscribe: every event's execution starts from it. */
  requestContext: GatewayGraphQLRequestContext;
  /** Authorization's completion of each result (nulls and errors of the fields removed), when it filtered. */
  complete: ((result: EventResult) => EventResult) | undefined;
  reservation: Reservation;
}

export interface LiveDeps {
  serviceMap: () => ServiceMap;
  /** The URL a subgraph is routed to now. */
  subgraphUrl: (name: string) => string | undefined;
  signInternalToken: (identity: Identity) => Promise<string>;
  /**
   * Signs the subgraph stream's connection `until` the client's own token expires, not for a request's few
   * seconds: the subgraph ends the stream at that `exp`, so a copied token never outlives the client's.
   */
  signStreamToken: (identity: Identity, until: number | undefined) => Promise<string>;
  requestTimeoutMs: number;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: SubscriptionMetrics;
  /** Resolves an event once for the caller's subscriptions of the same operation that receive it together. */
  share: EventSharing;
  /** Told once, when the subscription ended for any reason. */
  ended: (live: LiveSubscription) => void;
}

interface Queued {
  result: FormattedExecutionResult;
  /** When the event occurred (ms since the epoch); undefined for the gateway's own final result. */
  occurredAt: number | undefined;
}

/**
 * One client subscription: its subgraph stream opens on the client's first read, each event is resolved in
 * order and queued for the client, and it ends when the client completes it, the subgraph completes or drops
 * it, or the gateway ends it (`end`) with a last result that carries the reason's code. An async iterator
 * whose `return` works while a read is pending, as graphql-ws and graphql-sse need to stop it at once.
 */
export class LiveSubscription implements AsyncIterableIterator<FormattedExecutionResult> {
  readonly spec: LiveSpec;
  private readonly deps: LiveDeps;
  private readonly queue: Queued[] = [];
  private wake: (() => void) | undefined;
  private upstream: Upstream | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Events received from the subgraph and not yet resolved (their entity fetches may be slow). */
  private resolving = 0;
  private readonly stopped = new AbortController();
  private started = false;
  private finished = false;
  private closingReason: EndReason | undefined;

  constructor(spec: LiveSpec, deps: LiveDeps) {
    this.spec = spec;
    this.deps = deps;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get active(): boolean {
    return !this.finished;
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult>> {
    if (!this.started) this.start();
    for (;;) {
      const queued = this.queue.shift();
      if (queued) {
        if (queued.occurredAt !== undefined) {
          const seconds = Math.max(0, Date.now() - queued.occurredAt) / 1_000;
          this.deps.metrics.delivered(this.spec.operationName, seconds);
        }
        return { value: queued.result, done: false };
      }
      if (this.finished) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** The client completed it, or its connection closed: stop at once, nothing more is sent. */
  async return(): Promise<IteratorResult<FormattedExecutionResult>> {
    this.queue.length = 0;
    this.finish(this.closingReason ?? 'complete');
    return { value: undefined, done: true };
  }

  /** What graphql-sse calls to stop an operation along with `return` (it checks for both). */
  async throw(): Promise<IteratorResult<FormattedExecutionResult>> {
    return this.return();
  }

  /**
   * The transport is closing the client's connection for `reason` (a WebSocket close code says it): the
   * subscription ends with the connection, without a last result, and is counted under that reason.
   */
  closing(reason: EndReason): void {
    this.closingReason = reason;
  }

  /** Ends it with a last result carrying the reason's code (every reason is retryable: docs/subscriptions.md). */
  end(reason: EndReason): void {
    if (this.finished) return;
    const code = SubscriptionCode[reason];
    this.push({ errors: [{ message: END_MESSAGES[reason], extensions: { code } }] }, undefined);
    this.finish(reason);
  }

  /**
   * The subscription planned again on a reloaded supergraph: it keeps running on the new plan when its
   * subgraph stream would be the same one, and is ended (SUBSCRIPTION_SCHEMA_RELOAD) otherwise.
   */
  replan(next: Pick<LiveSpec, 'primary' | 'plan' | 'complete' | 'requestContext'>): boolean {
    const same =
      next.primary.serviceName === this.spec.primary.serviceName &&
      next.primary.operation === this.spec.primary.operation;
    if (!same) {
      this.end('schemaReload');
      return false;
    }
    Object.assign(this.spec, next);
    return true;
  }

  private start(): void {
    this.started = true;
    if (this.finished) return;
    const { primary, identity, requestId, logger } = this.spec;
    const url = this.deps.subgraphUrl(primary.serviceName);
    this.deps.metrics.started(this.spec.operationName, this.spec.transport);
    logger.info(
      {
        operationName: this.spec.operationName,
        transport: this.spec.transport,
        subgraph: primary.serviceName,
      },
      'subscription started',
    );
    if (!url) {
      this.end('interrupted');
      return;
    }
    const given = this.spec.requestContext.request.variables ?? {};
    const variables: Record<string, unknown> = {};
    for (const name of primary.variableUsages ?? []) {
      if (given[name] !== undefined) variables[name] = given[name];
    }
    this.upstream = openUpstream(
      {
        url,
        query: primary.operation,
        variables,
        operationName: primary.operationName,
        connectionParams: async () => ({
          [INTERNAL_TOKEN_HEADER]: await this.deps.signStreamToken(identity, this.spec.credentialsExpireAt),
          [REQUEST_ID_HEADER]: requestId,
        }),
      },
      (message) => this.received(message),
    );
  }

  private received(message: UpstreamMessage): void {
    if (message.kind === 'event') {
      if (this.resolving + this.queue.length >= MAX_BEHIND) {
        this.spec.logger.warn(
          { resolving: this.resolving, queued: this.queue.length },
          'subscription ended: its events come faster than they are resolved and read',
        );
        this.end('interrupted');
        return;
      }
      this.resolving += 1;
    }
    // In order, one after the other: a client sees the events in the order its subgraph sent them.
    this.chain = this.chain.then(async () => {
      if (message.kind === 'event') {
        try {
          if (!this.finished)
            await this.resolve(message.result, occurredAtOf(message.result) ?? message.receivedAt);
        } finally {
          this.resolving -= 1;
        }
        return;
      }
      if (this.finished) return;
      switch (message.kind) {
        case 'complete':
          return this.finish('complete');
        case 'refused':
          this.push({ errors: [...message.errors] }, undefined);
          return this.finish('error');
        case 'lost':
          this.spec.logger.warn(
            { subgraph: this.spec.primary.serviceName, detail: message.detail },
            'subscription interrupted: the subgraph stream ended',
          );
          return this.end('interrupted');
      }
    });
  }

  private async resolve(event: FormattedExecutionResult, occurredAt: number): Promise<void> {
    const { identity, requestId, logger, plan, requestContext } = this.spec;
    const operation = { queryHash: requestContext.queryHash, operationName: requestContext.operationName };
    let result = await this.deps.share(
      plan,
      operation,
      identity,
      requestContext.request.variables,
      event,
      async () => {
        // Shared with the caller's other subscriptions of this operation: bounded by the timeout only, not by
        // this subscription's end.
        const deadline = new AbortController();
        const timer = setTimeout(
          () => deadline.abort(new DOMException('The event ran out of time.', 'TimeoutError')),
          this.deps.requestTimeoutMs,
        );
        const context: RouterContext = {
          requestId,
          logger,
          identity,
          deadline: deadline.signal,
          clientGone: () => deadline.signal,
          internalToken: () => this.deps.signInternalToken(identity),
        };
        try {
          return await resolveEvent(plan, event, requestContext, context, this.deps.serviceMap());
        } finally {
          clearTimeout(timer);
        }
      },
    );
    if (this.finished) return;
    if (this.spec.complete) result = this.spec.complete(result);
    const errors = result.errors?.map((error) => this.formatted(error));
    this.push({ data: result.data ?? null, ...(errors?.length ? { errors } : {}) }, occurredAt);
  }

  private formatted(error: GraphQLError): GraphQLFormattedError {
    return formattedError(error, this.deps.formatError);
  }

  private push(result: FormattedExecutionResult, occurredAt: number | undefined): void {
    this.queue.push({ result, occurredAt });
    this.wake?.();
  }

  private finish(reason: EndReason | 'complete' | 'error'): void {
    if (this.finished) return;
    this.finished = true;
    this.upstream?.close();
    this.stopped.abort(new DOMException('The subscription ended.', 'AbortError'));
    this.spec.reservation.release();
    if (this.started) {
      this.deps.metrics.ended(this.spec.operationName, this.spec.transport, reason);
      this.spec.logger.info({ operationName: this.spec.operationName, reason }, 'subscription completed');
    }
    this.deps.ended(this);
    this.wake?.();
  }
}

/** The event's `extensions.occurredAt` (ISO text or ms since the epoch), when its subgraph put one there. */
function occurredAtOf(result: FormattedExecutionResult): number | undefined {
  const value = result.extensions?.['occurredAt'];
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}
