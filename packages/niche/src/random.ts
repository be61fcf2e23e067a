/**
 * Small seeded generator (xoshiro128**, seeded through splitmix32) so permutation tests are reproducible
 * from a seed in node and in a Web Worker alike. It does not reproduce R's Mersenne-Twister stream; to
 * compare with R draw-for-draw, replay R's permutation indices (see `omiPermutationTest`).
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Unbiased integer in [0, n) by masked rejection, n ≤ 2^32. */
  nextBelow(n: number): number {
    if (n <= 1) return 0;
    let mask = n - 1;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const r = (this.nextUint32() & mask) >>> 0;
      if (r < n) return r;
    }
  }

  /** Standard normal draw (Box–Muller). */
  nextNormal(): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.nextFloat());
  }

  /** Poisson draw: multiplication method for small means, normal-free PTRS would be overkill here. */
  nextPoisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const l = Math.exp(-lambda);
      let k = 0;
      let prod = this.nextFloat();
      while (prod > l) {
        k++;
        prod *= this.nextFloat();
      }
      return k;
    }
    // large means: rounded normal approximation is enough for simulated test data
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.nextNormal()));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
