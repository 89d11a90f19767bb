/** Thrown when a document cannot be imported as it is; the message says what to do. */
export class OpenApiImportError extends Error {
  override readonly name = 'OpenApiImportError';
}
