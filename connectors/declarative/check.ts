import {
  SCALARS,
  type DeclaredFigure,
  type DeclaredObjectType,
  type RestConnectorDeclaration,
  type TransformName,
} from './declaration.schema';
import { resolveType, typeNameOf, type ResolvedType } from './declaration.types';
import type { FigureType } from '../kit';

/** One thing wrong with a declaration: where in the file, and what was expected. */
export interface Problem {
  at: string;
  message: string;
}

/** Names the hub's graph already gives, which a declared type or enum may not take. */
const RESERVED = new Set(['Customer', 'Query', 'Mutation', 'Subscription', 'Freshness', 'DataSource', ...SCALARS]);

/** The field types each transform produces a value for. */
const TRANSFORM_TYPES: Record<TransformName, readonly string[]> = {
  trim: ['String', 'ID'],
  lowercase: ['String', 'ID'],
  minorUnits: ['Float'],
  date: ['LocalDate'],
  dateTime: ['DateTime'],
};

const quote = (text: string) => JSON.stringify(text);
const list = (names: readonly string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

/**
 * What a declaration that passed its zod schema still gets wrong: type and enum names that
 * name nothing, transforms on fields they cannot produce, cycles, and figures whose paths or
 * types do not fit the graph. Empty when the declaration can be built.
 */
export function declarationProblems(declaration: RestConnectorDeclaration): Problem[] {
  const problems: Problem[] = [];
  const { graph } = declaration;
  const typeNames = Object.keys(graph.types);
  for (const name of [...typeNames, ...Object.keys(graph.enums)]) {
    if (RESERVED.has(name))
      problems.push({
        at: `graph.${graph.types[name] ? 'types' : 'enums'}.${name}`,
        message: `${name} is the hub's own type: rename it`,
      });
    else if (graph.types[name] && graph.enums[name])
      problems.push({ at: `graph.enums.${name}`, message: `${name} is also a declared type: rename one` });
  }
  if (!graph.types[graph.record])
    problems.push({
      at: 'graph.record',
      message: `expected one of the declared types (${list(typeNames)}), got ${quote(graph.record)}`,
    });
  else if (graph.types[graph.record].fields.freshness)
    problems.push({
      at: `graph.types.${graph.record}.fields.freshness`,
      message: 'the record type gets its freshness field from the hub: rename this one',
    });

  for (const [typeName, type] of Object.entries(graph.types))
    for (const [fieldName, field] of Object.entries(type.fields)) {
      const at = `graph.types.${typeName}.fields.${fieldName}`;
      const resolved = resolveType(declaration, field);
      if (!resolved) {
        problems.push({
          at: `${at}.type`,
          message: `expected one of ${SCALARS.join(', ')} or a declared type/enum, got ${quote(typeNameOf(field).name)}`,
        });
        continue;
      }
      for (const transform of field.transform)
        if (!TRANSFORM_TYPES[transform].includes(resolved.name))
          problems.push({
            at: `${at}.transform`,
            message: `${transform} gives a ${list(TRANSFORM_TYPES[transform])} value, but the field is ${resolved.name}`,
          });
    }

  for (const [enumName, declared] of Object.entries(graph.enums)) {
    const seen = new Map<string, string>();
    for (const [value, { from }] of Object.entries(declared.values)) {
      const raw = String(from ?? value);
      const earlier = seen.get(raw);
      if (earlier)
        problems.push({
          at: `graph.enums.${enumName}.values.${value}.from`,
          message: `${quote(raw)} already maps to ${earlier}`,
        });
      seen.set(raw, value);
    }
  }

  const cycle = findCycle(declaration);
  if (cycle)
    problems.push({
      at: `graph.types.${cycle[0]}`,
      message: `types may not contain themselves (${cycle.join(' → ')})`,
    });
  else if (graph.types[graph.record])
    for (const [name, figure] of Object.entries(declaration.figures))
      problems.push(...figureProblems(declaration, name, figure));
  return problems;
}

/** A chain of object types that leads back to its first, or null. */
function findCycle(declaration: RestConnectorDeclaration): string[] | null {
  const visit = (name: string, trail: string[]): string[] | null => {
    if (trail.includes(name)) return [...trail.slice(trail.indexOf(name)), name];
    const type = declaration.graph.types[name];
    for (const field of Object.values(type?.fields ?? {})) {
      const resolved = resolveType(declaration, field);
      if (resolved?.kind === 'object') {
        const found = visit(resolved.name, [...trail, name]);
        if (found) return found;
      }
    }
    return null;
  };
  for (const name of Object.keys(declaration.graph.types)) {
    const found = visit(name, []);
    if (found) return found;
  }
  return null;
}

/** A path through the graph object, resolved: its last field's type and the list it passed through. */
interface ResolvedPath {
  last: ResolvedType;
  /** The item type of the one list the path crosses (a list field that is not its end), or of the list it ends at. */
  list: ResolvedType | null;
  listsCrossed: number;
}

/** Resolves a graph path from `typeName`, or says which segment names no field. */
export function resolvePath(
  declaration: RestConnectorDeclaration,
  typeName: string,
  path: string,
): ResolvedPath | { error: string } {
  let type: DeclaredObjectType | undefined = declaration.graph.types[typeName];
  let current = typeName;
  let last: ResolvedType | null = null;
  let listType: ResolvedType | null = null;
  let listsCrossed = 0;
  for (const segment of path.split('.')) {
    if (last && last.kind !== 'object') return { error: `${current} has no fields, so ${quote(path)} cannot go on` };
    const field = type?.fields[segment];
    if (!field) return { error: `${current} has no field ${segment} (in ${quote(path)})` };
    last = resolveType(declaration, field);
    if (!last) return { error: `${current}.${segment} has an unknown type` };
    if (last.list) {
      listsCrossed += 1;
      listType = last;
    }
    current = last.name;
    type = last.kind === 'object' ? last.type : undefined;
  }
  return last ? { last, list: listType, listsCrossed } : { error: 'expected a path' };
}

/** The figure type a graph scalar or enum gives; null for those no figure can be (Boolean, objects). */
function figureTypeOf(type: ResolvedType): FigureType | null {
  if (type.kind === 'enum') return 'String';
  if (type.kind === 'object') return null;
  const byScalar: Record<string, FigureType | null> = {
    String: 'String',
    ID: 'String',
    LocalDate: 'String',
    Int: 'Int',
    Float: 'Float',
    DateTime: 'DateTime',
    Boolean: null,
  };
  return byScalar[type.name];
}

function figureProblems(declaration: RestConnectorDeclaration, name: string, figure: DeclaredFigure): Problem[] {
  const at = `figures.${name}`;
  const kind = (['field', 'count', 'sum', 'max', 'min', 'last'] as const).find((k) => figure[k] !== undefined)!;
  const path = figure[kind]!;
  const resolved = resolvePath(declaration, declaration.graph.record, path);
  if ('error' in resolved) return [{ at: `${at}.${kind}`, message: resolved.error }];
  const problems: Problem[] = [];
  const fail = (message: string, where: string = kind) => problems.push({ at: `${at}.${where}`, message });
  let gives: FigureType | null;
  if (kind === 'field') {
    if (resolved.listsCrossed > 0)
      fail(`expected a path to one value, but ${quote(path)} goes through a list: use count, sum, max, min or last`);
    gives = figureTypeOf(resolved.last);
  } else if (kind === 'count') {
    if (!resolved.last.list || resolved.listsCrossed !== 1) fail(`expected a path to a list, got ${quote(path)}`);
    gives = 'Int';
  } else {
    if (resolved.listsCrossed !== 1 || resolved.last.list)
      fail(`expected a path through one list to a value (such as "campaigns.clicks"), got ${quote(path)}`);
    gives = figureTypeOf(resolved.last);
    if ((kind === 'sum' && gives !== 'Int' && gives !== 'Float') || (kind !== 'last' && gives === 'String'))
      fail(
        `${kind} needs a number${kind === 'sum' ? '' : ' or a date-time'}, but ${quote(path)} is ${resolved.last.name}`,
      );
  }
  if (gives === null) fail(`a figure is a number, date-time or text, but ${quote(path)} is ${resolved.last.name}`);
  else if (problems.length === 0 && gives !== figure.type)
    fail(`expected ${gives} (what ${kind} ${quote(path)} gives), got ${quote(figure.type)}`, 'type');
  if (figure.where) {
    if (kind === 'field' || !resolved.list || resolved.list.kind !== 'object')
      fail('where filters the items of a list of objects, and this figure has none', 'where');
    else
      for (const field of Object.keys(figure.where)) {
        const item = resolvePath(declaration, resolved.list.name, field);
        if ('error' in item) fail(item.error, `where.${field}`);
        else if (item.last.kind === 'object' || item.listsCrossed > 0)
          fail(`expected a path to one value of ${resolved.list.name}, got ${quote(field)}`, `where.${field}`);
      }
  }
  return problems;
}
