import { useState, type FormEvent } from 'react';
import type { HubClient, HubError, SavedQuery } from './api';
import { ErrorsPanel } from './errors-panel';

const EXAMPLE = /* GraphQL */ `
  query MyList($first: Int = 100, $after: String) {
    customers(first: $first, after: $after) {
      totalCount
      nodes {
        id
        name
      }
    }
  }
`;

/**
 * Saves a new query, or the next version of `base`: the hub checks the document against the
 * graph and refuses it with each problem's line and column, storing nothing.
 */
export function SaveForm(props: {
  client: HubClient;
  base: SavedQuery | null;
  onRequestFailed: (error: unknown) => boolean;
  onSaved: (saved: SavedQuery) => Promise<void>;
  onCancel: () => void;
}) {
  const { base } = props;
  const [name, setName] = useState(base?.name ?? '');
  const [description, setDescription] = useState(base?.description ?? '');
  const [tags, setTags] = useState(base?.tags.join(', ') ?? '');
  const [document, setDocument] = useState(base?.document ?? EXAMPLE);
  const [errors, setErrors] = useState<HubError[]>([]);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors([]);
    try {
      const input = {
        name: name.trim(),
        description,
        document,
        tags: tags
          .split(',')
          .map((tag) => tag.trim())
          .filter((tag) => tag !== ''),
      };
      const { saved, errors: refused } = await props.client.save(input);
      if (saved) await props.onSaved(saved);
      else setErrors(refused);
    } catch (error) {
      if (!props.onRequestFailed(error))
        setErrors([{ message: error instanceof Error ? error.message : String(error) }]);
    } finally {
      setBusy(false);
    }
  };

  const argumentError = (argument: string) => errors.find((error) => error.extensions?.argument === argument)?.message;
  return (
    <form className="save panel" onSubmit={(event) => void submit(event)} aria-labelledby="save-title">
      <h2 id="save-title">{base ? `New version of ${base.name}` : 'New saved query'}</h2>
      <label>
        Name
        <input
          name="name"
          value={name}
          readOnly={base !== null}
          placeholder="lower-case-with-dashes"
          onChange={(event) => setName(event.target.value)}
        />
        {argumentError('name') && <span className="field-error">{argumentError('name')}</span>}
      </label>
      <label>
        Description
        <input name="description" value={description} onChange={(event) => setDescription(event.target.value)} />
        {argumentError('description') && <span className="field-error">{argumentError('description')}</span>}
      </label>
      <label>
        Tags
        <input
          name="tags"
          value={tags}
          placeholder="sales, collections"
          onChange={(event) => setTags(event.target.value)}
        />
        {argumentError('tags') && <span className="field-error">{argumentError('tags')}</span>}
      </label>
      <label>
        GraphQL document
        <textarea
          name="document"
          rows={16}
          spellCheck={false}
          value={document}
          onChange={(event) => setDocument(event.target.value)}
        />
      </label>
      <p className="hint">
        One query. Give its list <code>$after</code> as a variable and exports and this console read every page.
      </p>
      {errors.length > 0 && <ErrorsPanel errors={errors} total={errors.length} title="Not saved" />}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : base ? 'Save new version' : 'Save'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
