import type { FigureDeclaration, FigureValues, GraphValue } from '../kit';
import { FIGURE_KINDS, type DeclaredFigure, type RestConnectorDeclaration } from './declaration.schema';
import { valueAt } from './declaration.types';
import type { DeclaredGraphObject } from './graph-types';

type FigureValue = FigureValues[string];

/** Whether a graph value equals a value written in the declaration (dates compare as ISO text). */
function same(value: unknown, wanted: unknown): boolean {
  if (value instanceof Date) return typeof wanted === 'string' && value.getTime() === new Date(wanted).getTime();
  return value === wanted;
}

function matches(item: unknown, where: DeclaredFigure['where']): boolean {
  if (!where) return true;
  return Object.entries(where).every(([path, wanted]) => {
    const value = valueAt(item, path.split('.'));
    return Array.isArray(wanted) ? wanted.some((one) => same(value, one)) : same(value, wanted);
  });
}

/**
 * The values at a path of the graph object. The checked declaration lets a path cross at most
 * one list; its items are filtered by `where` there, and the rest of the path is read from each.
 */
function valuesAt(value: unknown, path: readonly string[], where: DeclaredFigure['where']): unknown {
  let current: unknown = value;
  for (let index = 0; index < path.length; index += 1) {
    current = valueAt(current, [path[index]]);
    if (Array.isArray(current)) {
      const items = current.filter((item) => matches(item, where));
      const rest = path.slice(index + 1);
      return rest.length === 0 ? items : items.map((item) => valueAt(item, rest));
    }
  }
  return current;
}

const comparable = (value: unknown): number | null =>
  value instanceof Date ? value.getTime() : typeof value === 'number' ? value : null;

function extreme(values: unknown[], pick: (a: number, b: number) => boolean): FigureValue {
  let best: unknown = null;
  for (const value of values) {
    const n = comparable(value);
    if (n !== null && (best === null || pick(n, comparable(best)!))) best = value;
  }
  return best as FigureValue;
}

/** Computes one declared figure from the graph object, the way the graph shows it. */
function evaluate(figure: DeclaredFigure, value: unknown): FigureValue {
  const kind = FIGURE_KINDS.find((k) => figure[k] !== undefined)!;
  const found = valuesAt(value, figure[kind]!.split('.'), figure.where);
  const list = Array.isArray(found) ? found : [];
  switch (kind) {
    case 'field':
      return (found ?? null) as FigureValue;
    case 'count':
      return list.length;
    case 'sum':
      return list.reduce<number>((total, item) => total + (typeof item === 'number' ? item : 0), 0);
    case 'max':
      return extreme(list, (a, b) => a > b);
    case 'min':
      return extreme(list, (a, b) => a < b);
    case 'last':
      return (list.at(-1) ?? null) as FigureValue;
  }
}

/** The declaration's figures, as `defineConnector` takes them. */
export function declaredFigures(declaration: RestConnectorDeclaration): Array<FigureDeclaration<DeclaredGraphObject>> {
  return Object.entries(declaration.figures).map(([name, figure]) => ({
    name,
    type: figure.type,
    description: figure.description,
    of: (value: GraphValue<DeclaredGraphObject>) => evaluate(figure, value),
  }));
}
