import type { FigureType, FigureValues } from '../contract';
import { declaredFiguresOf } from '../declare';
import { graphObjectsOf } from './probe';
import { undocumentedElements } from './schema-elements';
import { fail, listed, pass, shown, skip, type ContractCheck } from './subject';

/** Default page size and page bound of the directory walk. */
const DIRECTORY_PAGE_SIZE = 50;
const DIRECTORY_MAX_PAGES = 20;

/** How many sample keys the figures check reads. */
const FIGURE_SAMPLES = 5;

export const everythingDescribed: ContractCheck = {
  name: 'describes every type, field, argument and enum value',
  async run({ connector }) {
    const missing = undocumentedElements(connector.schema, [connector.mergeFieldName]);
    return missing.length === 0
      ? pass('every element has a description')
      : fail(`no description on ${listed(missing, 5)}`);
  },
};

function sameFigure(a: FigureValues[string] | undefined, b: FigureValues[string] | undefined): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Object.is(a, b);
}

function ofType(value: FigureValues[string], type: FigureType): boolean {
  if (value === null) return true;
  if (type === 'DateTime') return value instanceof Date && !Number.isNaN(value.getTime());
  if (type === 'String') return typeof value === 'string';
  if (type === 'Int') return Number.isInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

export const figuresAgreeWithGraph: ContractCheck = {
  name: 'computes snapshot figures that agree with the graph',
  async run({ options, factory, connector }) {
    const figures = options.figures ?? declaredFiguresOf(factory);
    if (!figures) return skip('the factory was not built by defineConnector and no figures were given');
    if (figures.length === 0) return pass('the connector declares no figures');
    const keys = [...new Set(options.keys.known)].slice(0, FIGURE_SAMPLES);
    const snapshots = await connector.summarize(keys);
    const graph = await graphObjectsOf(connector, keys);
    const types = new Map(connector.figures.map((figure) => [figure.name, figure.type]));
    for (const [index, key] of keys.entries()) {
      const object = graph[index];
      const snapshot = snapshots.get(key);
      if (!object || !snapshot)
        return fail(`${shown(key)}: the ${object ? 'snapshot' : 'graph'} has no customer, the other has one`);
      const { freshness: _freshness, ...value } = object;
      for (const figure of figures) {
        const expected = figure.of(value as never);
        const actual = snapshot[figure.name];
        if (!sameFigure(actual, expected))
          return fail(
            `${shown(key)}: ${figure.name} is ${shown(actual)} in the snapshot, ${shown(expected)} on the graph`,
          );
        const type = types.get(figure.name) ?? figure.type;
        if (!ofType(actual, type)) return fail(`${shown(key)}: ${figure.name} is ${shown(actual)}, not a ${type}`);
      }
    }
    return pass(`${figures.length} figures of ${keys.length} customers agree`);
  },
};

function entryProblem(entry: unknown): string | null {
  const e = entry as Record<string, unknown>;
  if (typeof e?.key !== 'string' || e.key === '') return 'an entry without a key';
  if (e.name !== null && typeof e.name !== 'string') return `${shown(e.key)} has a name that is no string`;
  for (const list of ['emails', 'phones', 'taxNumbers'])
    if (!Array.isArray(e[list]) || !(e[list] as unknown[]).every((item) => typeof item === 'string'))
      return `${shown(e.key)}: ${list} is not a list of strings`;
  return null;
}

export const directoryWalk: ContractCheck = {
  name: 'walks the directory to its end, listing each key once',
  async run({ options, connector }) {
    const pageSize = options.directory?.pageSize ?? DIRECTORY_PAGE_SIZE;
    const maxPages = options.directory?.maxPages ?? DIRECTORY_MAX_PAGES;
    const seen = new Set<string>();
    let pages = 0;
    let ended = true;
    for await (const page of connector.directory(pageSize)) {
      pages += 1;
      if (page.length > pageSize) return fail(`page ${pages} has ${page.length} entries; asked for ${pageSize}`);
      for (const entry of page) {
        const problem = entryProblem(entry);
        if (problem) return fail(`page ${pages}: ${problem}`);
        if (seen.has(entry.key)) return fail(`${shown(entry.key)} is listed twice (again on page ${pages})`);
        seen.add(entry.key);
      }
      if (pages >= maxPages) {
        ended = false;
        break;
      }
    }
    const plural = (count: number) => `${count} page${count === 1 ? '' : 's'}`;
    const walked = `${plural(pages)} of up to ${pageSize}, ${seen.size} keys, each once`;
    const expected = options.directory?.expectedKeys;
    if (expected) {
      const missing = expected.filter((key) => !seen.has(key));
      const wanted = new Set(expected);
      const extra = [...seen].filter((key) => !wanted.has(key));
      if (!ended) return fail(`stopped after ${walked}, before the end (${missing.length} expected keys not reached)`);
      if (missing.length) return fail(`${walked}; missing ${listed(missing)}`);
      if (extra.length) return fail(`${walked}; not expected: ${listed(extra)}`);
      return pass(`${walked}: every expected key`);
    }
    return ended
      ? pass(walked)
      : pass(`${walked}; stopped after ${plural(maxPages)}, before the end (a larger page bound walks further)`);
  },
};
