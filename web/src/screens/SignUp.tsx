import { useMutation } from '@apollo/client/react';
import { useMemo, useState, type FormEvent } from 'react';
import { formErrorsOf } from '../apollo/errors.ts';
import { useSessionStore } from '../auth/context.ts';
import { Field, FormError } from '../components/Field.tsx';
import { Link } from '../components/Link.tsx';
import { SignUpFormDocument } from '../generated/graphql.ts';
import { navigate } from '../routing/router.ts';
import { paths } from '../routing/routes.ts';

/**
 * A new customer account. The users service owns the rules: each BAD_USER_INPUT it answers is shown next to
 * the field it names (a malformed email, a short password, an email already registered).
 */
export function SignUp() {
  const session = useSessionStore();
  const [input, setInput] = useState({ email: '', name: '', password: '' });
  // One key per distinct input: a retry after a timeout creates the account once (docs/api.md).
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [input]);
  const [signUp, { loading, error }] = useMutation(SignUpFormDocument);
  const { fields, form } = formErrorsOf(error);
  const change = (field: keyof typeof input) => (event: { target: { value: string } }) =>
    setInput({ ...input, [field]: event.target.value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await signUp({
      variables: { input },
      context: { headers: { 'idempotency-key': idempotencyKey } },
    }).catch(() => ({ data: undefined }));
    if (data) {
      session.start(data.signUp);
      navigate(paths.orders, { replace: true });
    }
  };

  return (
    <main className="page narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          value={input.email}
          onChange={change('email')}
          error={fields['email']}
        />
        <Field
          label="Name"
          autoComplete="name"
          value={input.name}
          onChange={change('name')}
          error={fields['name']}
        />
        <Field
          label="Password (at least 8 characters)"
          type="password"
          autoComplete="new-password"
          value={input.password}
          onChange={change('password')}
          error={fields['password']}
        />
        <FormError message={form} />
        <button type="submit" disabled={loading}>
          {loading ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={paths.login}>Log in</Link>
      </p>
    </main>
  );
}
