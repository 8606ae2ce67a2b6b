import { useSyncExternalStore } from 'react';

/** Who is logged in: the access token and the user it was issued for. */
export interface Session {
  readonly token: string;
  readonly user: { readonly id: string; readonly name: string; readonly role: 'ADMIN' | 'CUSTOMER' };
}

// sessionStorage survives a reload of this tab and nothing else: no other tab, no browser restart.
const STORAGE_KEY = 'supergraph.session';

function readStored(): Session | null {
  try {
    const stored = window.sessionStorage.getItem(STORAGE_KEY);
    return stored ? (JSON.parse(stored) as Session) : null;
  } catch {
    return null;
  }
}

/**
 * The session kept in memory (and in sessionStorage for reloads), with a notice for the log-in screen when it
 * ended on its own (an expired token). Components read it with `useSession`.
 */
export function createSessionStore() {
  let session = readStored();
  let notice: string | null = null;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  return {
    get: () => session,
    token: () => session?.token ?? null,
    notice: () => notice,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start(next: Session) {
      session = next;
      notice = null;
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      changed();
    },
    /** Logs out; `why` is shown on the log-in screen (e.g. the token expired). */
    end(why: string | null = null) {
      session = null;
      notice = why;
      window.sessionStorage.removeItem(STORAGE_KEY);
      changed();
    },
    rename(name: string) {
      if (!session) return;
      this.start({ ...session, user: { ...session.user, name } });
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;

export function useSession(store: SessionStore): Session | null {
  return useSyncExternalStore(store.subscribe, store.get);
}
