import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../../config';
import { declarationProblems } from './check';
import { restConnectorDeclarationSchema, type RestConnectorDeclaration } from './declaration.schema';

/** A declaration file that cannot be used: which file, where in it, and what was expected. */
export class DeclarationError extends ConfigError {
  constructor(
    /** The file's name, as messages show it (`marketing.yaml`). */
    readonly file: string,
    /** The path inside the file (`graph.types.Subscriber.fields.email.type`), or `(file)`. */
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${file}: ${at}: ${problem}`);
  }
}

/** A value as a message shows what was found. */
function found(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

/** One zod issue as a path and a sentence in the declaration's words. */
function describeIssue(issue: z.core.$ZodIssue): { at: string; message: string } {
  const at = issue.path.map(String);
  const input: unknown = 'input' in issue ? issue.input : undefined;
  if (issue.code === 'unrecognized_keys')
    return { at: [...at, issue.keys[0]].join('.'), message: 'unknown key: leave it out or check its spelling' };
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const given =
      input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
    // zod's path already ends at the discriminator; the input is the object holding it.
    return { at: at.join('.'), message: `${issue.message}, got ${found(given)}` };
  }
  if (issue.code === 'invalid_value')
    return { at: at.join('.'), message: `expected one of ${issue.values.map(String).join(', ')}, got ${found(input)}` };
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input'))
    return { at: at.join('.'), message: `expected ${issue.expected}, got ${found(input)}` };
  if (issue.code === 'invalid_key')
    return { at: at.join('.'), message: `${issue.issues[0]?.message ?? issue.message}, got ${found(input)}` };
  const message = issue.code === 'custom' ? issue.message : `${issue.message}, got ${found(input)}`;
  return { at: at.join('.') || '(top)', message };
}

/**
 * Checks a parsed declaration (the object a YAML or JSON file holds): its shape with zod, then
 * the names and paths that must agree. Throws a `DeclarationError` naming `file` and the path.
 */
export function parseDeclaration(raw: unknown, file: string): RestConnectorDeclaration {
  const parsed = restConnectorDeclarationSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const { at, message } = describeIssue(parsed.error.issues[0]);
    throw new DeclarationError(file, at, message);
  }
  const [problem] = declarationProblems(parsed.data);
  if (problem) throw new DeclarationError(file, problem.at, problem.message);
  return parsed.data;
}

/** Reads and checks a declaration file: YAML (`.yaml`, `.yml`) or JSON (`.json`). */
export function readDeclarationFile(file: string): RestConnectorDeclaration {
  const shown = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeclarationError(shown, '(file)', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '(file)';
    throw new DeclarationError(
      shown,
      where,
      `is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  return parseDeclaration(raw, shown);
}
