import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { formErrorsOf } from '../apollo/errors.ts';
import { useSessionStore } from '../auth/context.ts';
import { Field, FormError } from '../components/Field.tsx';
import { ChangeNameDocument } from '../generated/graphql.ts';

/** The account's display name; the users service's BAD_USER_INPUT (`name`) shows next to the field. */
export function ChangeName({ current }: { current: string }) {
  const session = useSessionStore();
  const [name, setName] = useState(current);
  const [saved, setSaved] = useState(false);
  const [updateMe, { loading, error }] = useMutation(ChangeNameDocument);
  const { fields, form } = formErrorsOf(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const { data } = await updateMe({ variables: { input: { name } } }).catch(() => ({ data: undefined }));
    if (data) {
      session.rename(data.updateMe.name);
      setSaved(true);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <Field
        label="Display name"
        autoComplete="name"
        value={name}
        onChange={(event) => {
          setName(event.target.value);
          setSaved(false);
        }}
        error={fields['name']}
      />
      <FormError message={form} />
      <button type="submit" disabled={loading}>
        {loading ? 'Saving…' : 'Change name'}
      </button>
      <p role="status" className="muted">
        {saved ? 'Name saved.' : ''}
      </p>
    </form>
  );
}
