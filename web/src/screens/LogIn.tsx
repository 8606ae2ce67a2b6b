import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { formErrorsOf } from '../apollo/errors.ts';
import { useSessionStore } from '../auth/context.ts';
import { Field, FormError } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { LogInFormDocument } from '../generated/graphql.ts';
import { paths } from '../routing/routes.ts';

/** Email and password for a session. Shown in place of any screen that needs one. */
export function LogIn() {
  const session = useSessionStore();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [logIn, { loading, error }] = useMutation(LogInFormDocument);
  const { fields, form } = formErrorsOf(error);
  const notice = session.notice();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await logIn({ variables: { email, password } }).catch(() => ({ data: undefined }));
    if (data) session.start(data.logIn);
  };

  return (
    <main className="page narrow">
      <h1>Log in</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={fields['email']}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fields['password']}
        />
        <FormError message={form} />
        <button type="submit" disabled={loading}>
          {loading ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        New here? <Link to={paths.signup}>Create an account</Link>
      </p>
    </main>
  );
}
