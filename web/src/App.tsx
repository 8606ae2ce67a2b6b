import { useEffect } from 'react';
import { useSessionStore } from './auth/context.ts';
import { useSession, type Session } from './auth/session.ts';
import { Link } from './components/Link.tsx';
import { navigate, usePath } from './routing/router.ts';
import { matchRoute, paths, type Route } from './routing/routes.ts';
import { Account } from './screens/Account.tsx';
import { Admin } from './screens/Admin.tsx';
import { LogIn } from './screens/LogIn.tsx';
import { MyOrders } from './screens/MyOrders.tsx';
import { Order } from './screens/Order.tsx';
import { PlaceOrder } from './screens/PlaceOrder.tsx';
import { SignUp } from './screens/SignUp.tsx';

/** The layout and the screen for the current path; screens that need a session show the log-in screen without one. */
export function App() {
  const session = useSession(useSessionStore());
  const route = matchRoute(usePath());
  const anonymousScreen = route.screen === 'login' || route.screen === 'signup';

  // Logged in on the log-in or sign-up screen: go to the orders instead.
  useEffect(() => {
    if (session && anonymousScreen) navigate(paths.orders, { replace: true });
  }, [session, anonymousScreen]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header session={session} />
      <div id="main">{session ? <Screen route={route} session={session} /> : anonymous(route)}</div>
    </>
  );
}

function anonymous(route: Route) {
  return route.screen === 'signup' ? <SignUp /> : <LogIn />;
}

function Screen({ route, session }: { route: Route; session: Session }) {
  switch (route.screen) {
    case 'login':
    case 'signup':
    case 'orders':
      return <MyOrders />;
    case 'new-order':
      return <PlaceOrder />;
    case 'order':
      return <Order id={route.id} />;
    case 'account':
      return <Account />;
    case 'admin':
      return session.user.role === 'ADMIN' ? (
        <Admin />
      ) : (
        <main className="page">
          <h1>Admins only</h1>
          <p>This screen is for administrators.</p>
        </main>
      );
    case 'not-found':
      return (
        <main className="page">
          <h1>Page not found</h1>
          <p>
            <Link to={paths.orders}>Go to my orders</Link>
          </p>
        </main>
      );
  }
}

function Header({ session }: { session: Session | null }) {
  const store = useSessionStore();
  return (
    <header className="site-header">
      <Link to={paths.orders} className="brand">
        Supergraph shop
      </Link>
      {session && (
        <nav aria-label="Main">
          <Link to={paths.orders}>My orders</Link>
          <Link to={paths.newOrder}>Place an order</Link>
          <Link to={paths.account}>Account</Link>
          {session.user.role === 'ADMIN' && <Link to={paths.admin}>Admin</Link>}
          <span className="muted">{session.user.name}</span>
          <button type="button" className="secondary" onClick={() => store.end()}>
            Log out
          </button>
        </nav>
      )}
    </header>
  );
}
