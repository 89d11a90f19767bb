import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/** A browser asset the query page loads, served from node_modules so it works offline. */
interface Asset {
  file: string;
  type: string;
}

/** A file inside an installed package (the packages' `exports` maps do not list their UMD builds). */
function packageFile(name: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
}

const ASSETS: Record<string, Asset> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

function page(graphqlPath: string, exampleQuery: string, exampleVariables: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Switchboard: customer graph</title>
<link rel="stylesheet" href="/_query-page/graphiql.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">Loading the query page…</div>
<script src="/_query-page/react.js"></script>
<script src="/_query-page/react-dom.js"></script>
<script src="/_query-page/graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(graphqlPath)} });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: ${JSON.stringify(exampleQuery)},
      defaultEditorToolsVisibility: true,
      variables: ${JSON.stringify(exampleVariables)},
    }),
  );
</script>
</body>
</html>`;
}

/** True when a GET looks like a browser opening the page rather than a GraphQL GET request. */
export function wantsQueryPage(accept: string | undefined, query: unknown): boolean {
  const hasQuery = typeof query === 'object' && query !== null && 'query' in query;
  return !hasQuery && (accept ?? '').includes('text/html');
}

/**
 * Serves the GraphiQL query page and its assets from the hub itself: no CDN, so the page works
 * on a machine without internet access. Returns the page's HTML for the GET handler. The example
 * query may be a function: it is read at each page view (a connector reload changes it).
 */
export function registerQueryPageAssets(
  app: FastifyInstance,
  graphqlPath: string,
  example: { query: string | (() => string); phone: string | null },
): () => string {
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { asset: string } }>('/_query-page/:asset', async (request, reply) => {
    const asset = ASSETS[request.params.asset];
    if (!asset) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such asset' } });
    let body = cache.get(asset.file);
    if (!body) {
      body = readFileSync(asset.file);
      cache.set(asset.file, body);
    }
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(body);
  });
  const variables = JSON.stringify({ phone: example.phone ?? '+1 415 555 0100' }, null, 2);
  const given = example.query;
  const exampleQuery = typeof given === 'string' ? () => given : given;
  // The page changes only with the example query: render it once per query.
  let rendered: { query: string; html: string } | null = null;
  return () => {
    const query = exampleQuery();
    if (rendered?.query !== query) rendered = { query, html: page(graphqlPath, query, variables) };
    return rendered.html;
  };
}
