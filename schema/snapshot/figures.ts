import type { FigureDefinition, FigureType } from '../../connectors/kit';
import { figureIndexName, figurePath } from '../../store/snapshot.repository';

/** What the hub reads of a connector for snapshots: its name and its figures (a `Connector` is one). */
export interface FigureSource {
  readonly name: string;
  readonly figures: readonly FigureDefinition[];
}

/** One figure of one connector, with every name the store and the graph derive from it. */
export interface CatalogFigure {
  connector: string;
  name: string;
  type: FigureType;
  description: string;
  /** Where it sits in a snapshot document: `figures.accounting.overdueAmount`. */
  path: string;
  /** Its `CustomerFigure` enum value: `ACCOUNTING_OVERDUE_AMOUNT`. */
  enumName: string;
  /** The index on it: `fig_accounting_overdueAmount`. */
  indexName: string;
}

// Figure names become GraphQL field names, enum values, document paths and index names: camelCase
// letters and digits are safe in all four (no dots or dollars for MongoDB).
const FIGURE_NAME = /^[a-z][A-Za-z0-9]*$/;
const CONNECTOR_NAME = /^[a-z][a-z0-9]*$/;

/** `overdueAmount` → `OVERDUE_AMOUNT`. */
function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** `accounting` → `Accounting`: how a connector's name starts a GraphQL type name. */
export function typeNamePrefix(connector: string): string {
  return connector.charAt(0).toUpperCase() + connector.slice(1);
}

/**
 * Every figure of every connector, in connector then declaration order. A name the store or the
 * graph cannot carry stops start-up with a sentence naming it.
 *
 * @example
 * figureCatalog([{ name: 'accounting', figures: [{ name: 'overdueAmount', type: 'Float', description: '...' }] }])
 * // → [{ connector: 'accounting', name: 'overdueAmount', path: 'figures.accounting.overdueAmount',
 * //      enumName: 'ACCOUNTING_OVERDUE_AMOUNT', indexName: 'fig_accounting_overdueAmount', ... }]
 */
export function figureCatalog(sources: readonly FigureSource[]): CatalogFigure[] {
  const catalog: CatalogFigure[] = [];
  const enumNames = new Set<string>();
  for (const source of sources) {
    if (!CONNECTOR_NAME.test(source.name)) {
      throw new TypeError(
        `Snapshot figures expected a lower-case connector name like "sales", but got "${source.name}".`,
      );
    }
    for (const figure of source.figures) {
      if (!FIGURE_NAME.test(figure.name)) {
        throw new TypeError(
          `The ${source.name} connector declares a figure named "${figure.name}"; expected a camelCase name like "overdueAmount".`,
        );
      }
      const enumName = `${source.name.toUpperCase()}_${screamingSnake(figure.name)}`;
      if (enumNames.has(enumName)) {
        throw new TypeError(
          `The ${source.name} connector declares the figure "${figure.name}" twice (or two figures that both become ${enumName}).`,
        );
      }
      enumNames.add(enumName);
      catalog.push({
        connector: source.name,
        name: figure.name,
        type: figure.type,
        description: figure.description,
        path: figurePath(source.name, figure.name),
        enumName,
        indexName: figureIndexName(source.name, figure.name),
      });
    }
  }
  return catalog;
}
