/** The data file is open in another process: one embedded server owns a data directory at a time. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(readonly file: string) {
    super(
      `startEmbeddedMongo expected exclusive use of ${file}, but another process (or another embedded server) has it open.`,
    );
  }
}
