import { useState, type FormEvent } from 'react';

/** The sign-in form: an API key, checked against the hub before the console opens. */
export function SignIn(props: { problem: string | null; onSignIn: (key: string) => Promise<void> }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await props.onSignIn(key);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="sign-in" onSubmit={(event) => void submit(event)}>
      <h1>Switchboard console</h1>
      <p>Saved queries, their tables and charts. Sign in with your API key.</p>
      <label>
        API key
        <input
          name="apiKey"
          type="password"
          autoComplete="off"
          placeholder="sb_…"
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
      </label>
      <p className="hint">
        An administrator makes one with <code>npx switchboard keys create --name you --roles analyst</code>; in demo
        mode the hub prints one per role when it starts.
      </p>
      {props.problem && (
        <p className="problem" role="alert">
          {props.problem}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
