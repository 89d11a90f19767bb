/** Where a command writes: lines for the operator, and lines about what went wrong. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** Thrown for a command used wrongly; the command prints the message and its usage, and exits 2. */
export class CommandUsageError extends Error {
  override readonly name = 'CommandUsageError';
}

/** `--flag value` pairs and the positional arguments, refusing flags not in `known`. */
export function parseFlags(
  args: readonly string[],
  known: readonly string[],
): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const flag = arg.slice(2);
    if (!known.includes(flag)) throw new CommandUsageError(`Unknown option ${arg}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new CommandUsageError(`${arg} needs a value`);
    flags.set(flag, value);
    i += 1;
  }
  return { flags, positional };
}
