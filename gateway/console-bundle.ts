import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { defaultConsoleAssetsDir } from './console-page';

/** The console's source: a React page in `console/` at the package's root. */
function consoleEntry(): string {
  // dist/gateway/ or gateway/: the console's source stays at the package root either way.
  return path.join(path.dirname(defaultConsoleAssetsDir()), '..', 'console', 'main.tsx');
}

/** How the console is bundled: one script and one stylesheet, every dependency inside (no CDN). */
export function consoleBuildOptions(outdir: string): BuildOptions {
  return {
    entryPoints: { console: consoleEntry() },
    outdir,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: ['es2020'],
    jsx: 'automatic',
    // React's production build: its development checks are for its own authors.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    // Licences stay with the code they cover, at the end of the bundle.
    legalComments: 'eof',
  };
}

/**
 * Bundles the console into `outdir` (default: where the hub serves it from, `dist/console`):
 * `npm run build` runs this after `tsc`; the console's browser test bundles into a folder of its own.
 */
export async function bundleConsole(outdir: string = defaultConsoleAssetsDir()): Promise<string> {
  await build(consoleBuildOptions(outdir));
  return outdir;
}

if (require.main === module) {
  bundleConsole().then(
    (outdir) => console.log(`Console bundled into ${path.relative(process.cwd(), outdir) || outdir}`),
    (error: unknown) => {
      console.error('The console did not bundle:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
