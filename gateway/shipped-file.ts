import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A file named in configuration: as given when absolute or found from the working directory,
 * else the one shipped beside the code (`config/policy.yaml`, `connectors/marketing/marketing.yaml`
 * of this checkout, whether the hub runs from source or from dist/).
 */
export function findShippedFile(file: string): string {
  if (path.isAbsolute(file) || existsSync(file)) return file;
  for (let dir = __dirname, i = 0; i < 4; i += 1, dir = path.dirname(dir)) {
    const candidate = path.join(dir, file);
    if (existsSync(candidate)) return candidate;
  }
  return file; // loading it then says it cannot be read, naming the path
}
