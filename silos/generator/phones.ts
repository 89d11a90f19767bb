import type { Rng } from './random';

/**
 * Real US geographic area codes. Each one passes libphonenumber-js's strictest (`max`) validation
 * with any exchange starting 2-9; a test checks every generated number against it.
 */
const AREA_CODES: readonly string[] = (
  '201 202 203 205 206 207 208 209 210 212 213 214 215 216 217 218 219 224 225 228 229 231 234 ' +
  '239 240 248 251 252 253 254 256 260 262 267 269 270 272 276 281 301 302 303 304 305 307 308 ' +
  '309 310 312 313 314 315 316 317 318 319 320 321 323 325 330 331 334 336 337 339 346 347 351 ' +
  '352 360 361 385 386 401 402 404 405 406 407 408 409 410 412 413 414 415 417 419 423 424 425 ' +
  '430 432 434 435 440 442 443 458 469 470 475 478 479 480 484 501 502 503 504 505 507 508 509 ' +
  '510 512 513 515 516 517 518 520 530 531 534 539 540 541 551 559 561 562 563 567 570 571 573 ' +
  '574 575 580 585 586 601 602 603 605 606 607 608 609 610 612 614 615 616 617 618 619 620 623 ' +
  '626 628 629 630 631 636 641 646 650 651 657 660 661 662 667 669 678 681 682 701 702 703 704 ' +
  '706 707 708 712 713 714 715 716 717 718 719 720 724 725 727 731 732 734 737 740 747 754 757 ' +
  '760 762 763 765 769 770 772 773 774 775 779 781 785 786 801 802 803 804 805 806 808 810 812 ' +
  '813 814 815 816 817 818 828 830 831 832 843 845 847 848 850 856 857 858 859 860 862 863 864 ' +
  '865 870 872 878 901 903 904 906 907 908 909 910 912 913 914 915 916 917 918 919 920 925 928 ' +
  '929 931 936 937 938 940 941 947 949 951 952 954 956 970 971 972 973 978 979 980 985 989'
).split(' ');

/** Exchanges no real subscriber has: N11 service codes, 555 (directory/fiction), premium 976. */
function isServiceExchange(exchange: number): boolean {
  return (
    exchange % 100 === 11 ||
    exchange === 555 ||
    exchange === 950 ||
    exchange === 958 ||
    exchange === 959 ||
    exchange === 976
  );
}

/** Draws a US number in E.164 that `taken` does not hold yet, and records it there. */
export function uniquePhone(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const area = rng.pick(AREA_CODES);
    const exchange = rng.int(200, 999);
    if (isServiceExchange(exchange)) continue;
    const line = String(rng.int(0, 9999)).padStart(4, '0');
    const e164 = `+1${area}${exchange}${line}`;
    if (taken.has(e164)) continue;
    taken.add(e164);
    return e164;
  }
}

/** The three parts of a `+1NXXNXXXXXX` number. */
function parts(e164: string): [string, string, string] {
  return [e164.slice(2, 5), e164.slice(5, 8), e164.slice(8, 12)];
}

/** Accounting's format: `(415) 555-0132`. */
export function accountingPhone(e164: string): string {
  const [a, b, c] = parts(e164);
  return `(${a}) ${b}-${c}`;
}

/** Sales' format: `+1 415-555-0132`. */
export function salesPhone(e164: string): string {
  const [a, b, c] = parts(e164);
  return `+1 ${a}-${b}-${c}`;
}

/** Credit's format: `415.555.0132`. */
export function creditPhone(e164: string): string {
  const [a, b, c] = parts(e164);
  return `${a}.${b}.${c}`;
}

/** The support phone system's caller id: `+1 (415) 555 0132`. */
export function callerId(e164: string): string {
  const [a, b, c] = parts(e164);
  return `+1 (${a}) ${b} ${c}`;
}

/** The marketing tool's format, as a sign-up form's phone field keeps it: `415-555-0132`. */
export function marketingPhone(e164: string): string {
  const [a, b, c] = parts(e164);
  return `${a}-${b}-${c}`;
}
