import type { ConnectorConfig } from '../../../config';
import type { Connector, ConnectorFactory } from '../contract';
import type { ConnectorConfigInput, ContractCheckOptions, ContractCheckResult } from './types';

/** What every check is given: the options, and connectors from the factory under test. */
export interface CheckSubject {
  readonly options: ContractCheckOptions;
  readonly factory: ConnectorFactory;
  /** The connector's configuration, validated (defaults applied). */
  readonly config: ConnectorConfig;
  /** The connector under test, configured against the system. */
  readonly connector: Connector;
  /** Another connector from the same factory, with `overrides` over the configuration (another `url`...). */
  readonly create: (overrides: Partial<ConnectorConfigInput>) => Connector;
}

/** A check's verdict before the runner names it. */
export type Verdict = Omit<ContractCheckResult, 'name'>;

/** One contract check: a sentence and the code that decides it. */
export interface ContractCheck {
  readonly name: string;
  run(subject: CheckSubject): Promise<Verdict>;
}

export const pass = (detail: string): Verdict => ({ ok: true, detail });
export const fail = (detail: string): Verdict => ({ ok: false, detail });
export const skip = (detail: string): Verdict => ({ ok: true, skipped: true, detail });

/** The longest a value is shown in a report line. */
const SHOWN_LENGTH = 120;

/** A value as a report shows it: strings quoted, dates in ISO form, the rest as JSON, cut at 120 characters. */
export function shown(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH - 1)}…` : text;
}

/** `[a, b, c]` with at most `max` items, then `... (n more)`. */
export function listed(values: readonly unknown[], max = 3): string {
  const head = values.slice(0, max).map(shown).join(', ');
  return values.length > max ? `${head}, ... (${values.length - max} more)` : head;
}
