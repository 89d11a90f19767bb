import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

// Deliberately plain: the hub compares addresses, it does not validate deliverability.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An e-mail address in the one form the hub compares: trimmed, lower case. Null if it is not one. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const email = raw.trim().toLowerCase();
  return EMAIL_SHAPE.test(email) ? email : null;
}

/**
 * A phone number in E.164 (`+14155550132`), reading numbers written without a country code as
 * `defaultCountry`'s. Null if it is not a valid number: a look-up by a malformed phone is the
 * caller's mistake, and a system's malformed phone must never link two customers.
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry: string): string | null {
  if (!raw) return null;
  const phone = parsePhoneNumberFromString(raw, defaultCountry as CountryCode);
  return phone && phone.isValid() ? phone.number : null;
}

/** A tax or company registration number with punctuation removed, upper case. Null if too short to be one. */
export function normalizeTaxNumber(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const tax = raw.replace(/[^0-9a-z]/gi, '').toUpperCase();
  return tax.length >= 6 ? tax : null;
}

function titleCase(word: string): string {
  return word
    .split(/([-'])/)
    .map((part) =>
      part.length > 0 && /[a-z]/i.test(part) ? part[0].toUpperCase() + part.slice(1).toLowerCase() : part,
    )
    .join('');
}

/** A display name as `normalizeName` writes it, and whether any of its words had to be re-cased. */
export interface NormalisedName {
  name: string;
  /**
   * True when a word was written all in capitals or all in lower case and was title-cased here:
   * such a word may have lost internal capitals (`MCGLYNN` becomes `Mcglynn`, not `McGlynn`).
   */
  recased: boolean;
}

/**
 * A display name in "First Last" form, with whether it was re-cased: `"DOE, Jane"` and
 * `"jane  doe"` both become `"Jane Doe"`. Words already in mixed case keep their case (McDonald
 * stays McDonald), so a name a system kept in its real casing comes through unchanged.
 */
export function normalizeNameCasing(raw: string | null | undefined): NormalisedName | null {
  if (!raw) return null;
  let name = raw.trim().replace(/\s+/g, ' ');
  if (name === '') return null;
  const comma = name.indexOf(',');
  if (comma > 0) name = `${name.slice(comma + 1).trim()} ${name.slice(0, comma).trim()}`.trim();
  const mixedCase = name !== name.toUpperCase() && name !== name.toLowerCase();
  let recased = false;
  const words = name.split(' ').map((word) => {
    if (mixedCase && word !== word.toUpperCase()) return word;
    // A word of one letter ("J.") has no casing to lose.
    if ((word.match(/[a-z]/gi) ?? []).length > 1) recased = true;
    return titleCase(word);
  });
  return { name: words.join(' '), recased };
}

/** A display name in "First Last" form (see `normalizeNameCasing`); null when there is none. */
export function normalizeName(raw: string | null | undefined): string | null {
  return normalizeNameCasing(raw)?.name ?? null;
}
