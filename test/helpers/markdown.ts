/** One fenced code block of a Markdown document. */
export interface FencedBlock {
  /** The info string's first word (`graphql`, `sh`, ...), or `''` for a bare fence. */
  lang: string;
  /** The block's content, without the fences. */
  text: string;
  /** The 1-based line of the opening fence, for messages. */
  line: number;
}

/**
 * Every ``` fenced block of a Markdown document, in order. Only backtick fences at the start of a
 * line are recognised, which is all the project's READMEs use.
 *
 * @example
 * fencedBlocks(readFileSync('README.md', 'utf8')).filter((b) => b.lang === 'graphql');
 */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  // A fence may be indented up to three spaces (inside a list item); its lines lose that indent.
  let open: { lang: string; line: number; lines: string[]; indent: number } | null = null;
  markdown.split('\n').forEach((line, index) => {
    if (open === null) {
      const fence = /^( {0,3})```\s*([^\s`]*)/.exec(line);
      if (fence) open = { lang: fence[2].toLowerCase(), line: index + 1, lines: [], indent: fence[1].length };
    } else if (/^ {0,3}```\s*$/.test(line)) {
      blocks.push({ lang: open.lang, text: open.lines.join('\n'), line: open.line });
      open = null;
    } else {
      open.lines.push(line.startsWith(' '.repeat(open.indent)) ? line.slice(open.indent) : line);
    }
  });
  if (open !== null)
    throw new Error(`The fenced block opened at line ${(open as { line: number }).line} is never closed`);
  return blocks;
}
