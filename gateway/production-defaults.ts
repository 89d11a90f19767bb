// Imported first by the CLI: graphql-js reads NODE_ENV once, when it loads, and in production
// skips its development-time checks (about 5% of a screen pop's CPU). An explicit NODE_ENV wins.

/**
 * NODE_ENV as the operator gave it, before the default below: what the hub's production mode
 * (authentication required) is judged by. `npm start` with nothing set is the quick start's
 * demo, fast like production but open like a demo.
 */
export const givenNodeEnv: string | undefined = process.env.NODE_ENV;

process.env.NODE_ENV ??= 'production';
