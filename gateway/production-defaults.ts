// Imported first by the CLI: graphql-js reads NODE_ENV once, when it loads, and in production
// skips its development-time checks (about 5% of a screen pop's CPU). An explicit NODE_ENV wins.
process.env.NODE_ENV ??= 'production';

export {};
