// Public API of schema/snapshot/: customer-360 snapshots (the figure catalog and the run that builds them).
export { figureCatalog, typeNamePrefix } from './figures';
export type { CatalogFigure, FigureSource } from './figures';
export { buildSnapshots, SnapshotError } from './build';
export type { SnapshotBuildOptions, SnapshotProgress, SnapshotReport } from './build';
