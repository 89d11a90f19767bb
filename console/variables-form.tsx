import type { SavedQueryVariable } from './api';
import { hintOf, initialText, inputKindOf } from './variables';

/** A field per declared variable, typed by its GraphQL type, starting from its default. */
export function VariablesForm(props: {
  variables: readonly SavedQueryVariable[];
  /** The variable that sizes each page of a paged query (`first`): not a row count, and said so. */
  pageSizeVariable: string | null;
  texts: Readonly<Record<string, string>>;
  errors: Readonly<Record<string, string>>;
  onChange: (name: string, text: string) => void;
}) {
  if (props.variables.length === 0) return <p className="placeholder">This query takes no variables.</p>;
  return (
    <fieldset className="variables">
      <legend>Variables</legend>
      {props.variables.map((variable) => {
        const kind = inputKindOf(variable.type);
        const text = props.texts[variable.name] ?? initialText(variable);
        const error = props.errors[variable.name];
        const id = `variable-${variable.name}`;
        const hint =
          variable.name === props.pageSizeVariable
            ? 'Rows per request: every page is read, whatever this is'
            : hintOf(variable);
        return (
          <div className={error ? 'field invalid' : 'field'} key={variable.name}>
            <label htmlFor={id}>
              {variable.name}
              {variable.required && <span className="required"> (required)</span>}
              <span className="type">{variable.type}</span>
            </label>
            {kind === 'boolean' ? (
              <select
                id={id}
                name={variable.name}
                value={text}
                onChange={(event) => props.onChange(variable.name, event.target.value)}
              >
                <option value="">{variable.required ? 'Choose' : 'Default'}</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                id={id}
                name={variable.name}
                type={kind === 'number' ? 'number' : 'text'}
                step={kind === 'number' ? 'any' : undefined}
                value={text}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                placeholder={kind === 'datetime' ? '2026-06-01T00:00:00Z' : undefined}
                onChange={(event) => props.onChange(variable.name, event.target.value)}
              />
            )}
            {hint && <span className="hint">{hint}</span>}
            {error && (
              <span className="field-error" id={`${id}-error`} role="alert">
                {error}
              </span>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
