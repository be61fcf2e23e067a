/**
 * R's `mean()` of doubles, bit for bit, so that statistics which compare means for equality (the ties of a
 * seasonal Kendall test on monthly means) count the same ties as R.
 *
 * R (summary.c, `do_summary` for `mean` of a double vector) sums in `long double`, divides by n, then adds
 * the mean of the residuals, also in `long double`, and rounds the result to a double:
 *   s = Σ x_i (long double);  s = s / n;  t = Σ (x_i − s) (long double);  s = s + t / n;  return (double) s
 * A plain JavaScript `Σ x / n` differs from it in the last bit for about a third of the monthly means of
 * one-decimal temperatures, enough to turn R's exact ties (7.28 in two Januaries) into ±1 in Kendall's S.
 *
 * `long double` is the x87 extended format of x86-64 (64-bit significand, round to nearest, ties to even),
 * the platform of the reference numbers (R 4.2.2 on Debian amd64); it is emulated exactly with BigInt.
 */

/** An extended-precision number: m · 2^e, |m| < 2^64 (m = 0 for zero). */
interface Extended {
  m: bigint;
  e: number;
}

const EXTENDED_BITS = 64;
const DOUBLE_BITS = 53;

const view = new DataView(new ArrayBuffer(8));

/** A finite double as m · 2^e exactly. */
function fromDouble(x: number): Extended {
  if (x === 0) return { m: 0n, e: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}

function abs(m: bigint): bigint {
  return m < 0n ? -m : m;
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** num / den · 2^e rounded to `bits` significant bits, to nearest with ties to even (den > 0). */
function round(num: bigint, den: bigint, e: number, bits: number): Extended {
  if (num === 0n) return { m: 0n, e: 0 };
  const negative = num < 0n;
  const a = abs(num);
  // scale so that the quotient has bits + 2 bits or more
  const shift = bits + 2 - (bitLength(a) - bitLength(den));
  const scaledNum = shift >= 0 ? a << BigInt(shift) : a;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  let q = scaledNum / scaledDen;
  let sticky = scaledNum % scaledDen !== 0n;
  let exp = e - shift;
  const extra = bitLength(q) - bits;
  if (extra > 0) {
    const dropped = q & ((1n << BigInt(extra)) - 1n);
    const half = 1n << BigInt(extra - 1);
    q >>= BigInt(extra);
    exp += extra;
    const up = dropped > half || (dropped === half && (sticky || (q & 1n) === 1n));
    sticky = sticky || dropped !== 0n;
    if (up) q += 1n;
    if (bitLength(q) > bits) {
      q >>= 1n;
      exp += 1;
    }
  }
  return { m: negative ? -q : q, e: exp };
}

/** Exact a + b, rounded to the extended format. */
function add(a: Extended, b: Extended): Extended {
  if (a.m === 0n) return round(b.m, 1n, b.e, EXTENDED_BITS);
  if (b.m === 0n) return round(a.m, 1n, a.e, EXTENDED_BITS);
  const e = Math.min(a.e, b.e);
  const sum = (a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e));
  return round(sum, 1n, e, EXTENDED_BITS);
}

function divide(a: Extended, n: number): Extended {
  return round(a.m, BigInt(n), a.e, EXTENDED_BITS);
}

function toDouble(a: Extended): number {
  const r = round(a.m, 1n, a.e, DOUBLE_BITS);
  // |m| < 2^53: exact as a Number; powers of two in two steps so neither overflows for normal results
  const half = Math.trunc(r.e / 2);
  return Number(r.m) * 2 ** half * 2 ** (r.e - half);
}

/**
 * `mean(x)` as R computes it for a double vector on x86-64 (see the module's comment): NaN for an empty
 * vector or one holding NaN (R's NA), ±Infinity and NaN as R gives them for infinite values.
 */
export function rMean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  let plain = 0;
  for (let i = 0; i < n; i++) plain += values[i];
  if (!Number.isFinite(plain)) {
    // an infinite or NaN input (R: the long double sum is not finite, no second pass)
    for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) return NaN;
    let s = 0;
    for (let i = 0; i < n; i++) s += values[i];
    return s / n;
  }
  let s: Extended = { m: 0n, e: 0 };
  for (let i = 0; i < n; i++) s = add(s, fromDouble(values[i]));
  s = divide(s, n);
  const minusS = { m: -s.m, e: s.e };
  let t: Extended = { m: 0n, e: 0 };
  for (let i = 0; i < n; i++) t = add(t, add(fromDouble(values[i]), minusS));
  return toDouble(add(s, divide(t, n)));
}
