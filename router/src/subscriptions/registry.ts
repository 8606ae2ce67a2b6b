import { GraphQLError } from 'graphql';
import { SubscriptionCode } from './codes.ts';

/** One client connection (a WebSocket, or one SSE request): what its subscriptions count against. */
export interface ConnectionCount {
  active: number;
}

export interface RegistryLimits {
  perConnection: number;
  perUser: number;
}

/** A place taken by one subscription; `release` gives it back (idempotent). */
export interface Reservation {
  release(): void;
}

/**
 * The subscriptions this gateway process holds, counted per connection and per user (a user's count is per
 * gateway replica: every replica enforces the limit on the subscriptions it holds).
 */
export function createRegistry(limits: RegistryLimits) {
  const perUser = new Map<string, number>();
  return {
    /** Takes a place for one more subscription, or returns the TOO_MANY_SUBSCRIPTIONS error that refuses it. */
    reserve(userId: string, connection: ConnectionCount): Reservation | GraphQLError {
      if (connection.active >= limits.perConnection) {
        return tooMany(
          `This connection already has ${limits.perConnection} subscriptions (MAX_SUBSCRIPTIONS_PER_CONNECTION): complete one first, or open another connection.`,
          'connection',
          limits.perConnection,
        );
      }
      const held = perUser.get(userId) ?? 0;
      if (held >= limits.perUser) {
        return tooMany(
          `You already have ${limits.perUser} subscriptions on this gateway (MAX_SUBSCRIPTIONS_PER_USER): complete one first.`,
          'user',
          limits.perUser,
        );
      }
      connection.active += 1;
      perUser.set(userId, held + 1);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          connection.active -= 1;
          const left = (perUser.get(userId) ?? 1) - 1;
          if (left > 0) perUser.set(userId, left);
          else perUser.delete(userId);
        },
      };
    },
    /** Subscriptions held for a user now. */
    heldBy: (userId: string): number => perUser.get(userId) ?? 0,
  };
}

export type Registry = ReturnType<typeof createRegistry>;

function tooMany(message: string, scope: 'connection' | 'user', limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: SubscriptionCode.tooMany, scope, limit } });
}
