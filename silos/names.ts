// The silos' names and nothing else, so that a hub can know them without loading the silos and
// their data generator (faker alone is some 20 MB of a process's memory).
import type { DefaultSiloName, OptionalSiloName, SiloName } from './generator/types';

/** The four default silos, in the order they are started and listed: what starts unless told otherwise. */
export const SILO_NAMES: readonly DefaultSiloName[] = Object.freeze(['accounting', 'sales', 'credit', 'support']);

/** The silos a world holds only when `with` names them (and a demo starts only when asked). */
export const OPTIONAL_SILO_NAMES: readonly OptionalSiloName[] = Object.freeze(['marketing']);

/** Every silo, the optional ones (marketing) after the four default ones. */
export const ALL_SILO_NAMES: readonly SiloName[] = Object.freeze([...SILO_NAMES, ...OPTIONAL_SILO_NAMES]);
