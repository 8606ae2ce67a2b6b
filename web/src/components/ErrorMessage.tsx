import { describeError } from '../apollo/errors.ts';

/** An error said in words, announced to screen readers; `retry` offers to ask again. */
export function ErrorMessage({ error, title, retry }: { error: unknown; title: string; retry?: () => void }) {
  return (
    <div className="error" role="alert">
      <p>
        <strong>{title}</strong> {describeError(error)}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
