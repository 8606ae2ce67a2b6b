import { createContext, useContext } from 'react';
import { useSession, type Session, type SessionStore } from './session.ts';

export const SessionContext = createContext<SessionStore | null>(null);

export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSessionStore outside <SessionContext>');
  return store;
}

/** The session of a screen that is only shown to a logged-in user (App renders the log-in screen otherwise). */
export function useLoggedIn(): Session {
  const session = useSession(useSessionStore());
  if (!session) throw new Error('a logged-in screen rendered without a session');
  return session;
}
