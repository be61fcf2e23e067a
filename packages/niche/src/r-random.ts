/**
 * R's default random stream, so a permutation test can be compared with R draw for draw:
 * `set.seed(seed)` (Mersenne-Twister, initial scrambling by the LCG 69069·s + 1), `unif_rand()`
 * (MT19937 with R's fixup into (0, 1)) and `sample.int(n)` with the "Rejection" sample kind that R uses
 * since 3.6.0 (`R_unif_index` from 16-bit chunks, then the draw-and-swap-with-last permutation of
 * `do_sample`). Written from the algorithms described in R's `RNG.c`/`random.c` documentation.
 */
export class RRandom {
  private readonly mt = new Uint32Array(624);
  private mti = 624;

  constructor(seed: number) {
    let s = seed >>> 0;
    for (let j = 0; j < 50; j++) s = (Math.imul(69069, s) + 1) >>> 0;
    // R's seed vector is 625 words: mti, then the 624 words of state; all come from the LCG
    s = (Math.imul(69069, s) + 1) >>> 0; // dummy[0], overwritten by mti = 624 (FixupSeeds)
    for (let j = 0; j < 624; j++) {
      s = (Math.imul(69069, s) + 1) >>> 0;
      this.mt[j] = s;
    }
    this.mti = 624;
  }

  private genrand(): number {
    const mt = this.mt;
    const N = 624;
    const M = 397;
    if (this.mti >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return (y >>> 0) * 2.3283064365386963e-10;
  }

  /** R's `unif_rand()`: uniform on (0, 1). */
  unifRand(): number {
    const x = this.genrand();
    const i2_32m1 = 2.328306437080797e-10;
    if (x <= 0) return 0.5 * i2_32m1;
    if (1 - x <= 0) return 1 - 0.5 * i2_32m1;
    return x;
  }

  /** R's `rbits(bits)`: a uniform integer of `bits` bits built from 16-bit chunks (one per 16 bits started). */
  private rbits(bits: number): number {
    const v1 = Math.floor(this.unifRand() * 65536);
    if (bits < 16) return v1 & ((1 << bits) - 1);
    const v2 = Math.floor(this.unifRand() * 65536);
    if (bits < 32) return (((v1 << 16) | v2) & ((1 << bits) - 1)) >>> 0;
    let v = 65536 * v1 + v2;
    for (let n = 32; n <= bits; n += 16) v = 65536 * v + Math.floor(this.unifRand() * 65536);
    return v % 2 ** bits;
  }

  /** R's `R_unif_index(dn)` (sample.kind = "Rejection"): uniform integer in [0, dn). */
  unifIndex(dn: number): number {
    if (dn <= 0) return 0;
    return this.unifIndexBits(dn, Math.ceil(Math.log2(dn)));
  }

  private unifIndexBits(dn: number, bits: number): number {
    let dv: number;
    do dv = this.rbits(bits);
    while (dn <= dv);
    return dv;
  }

  /**
   * `sample.int(n)` written 0-based into `out` (length n), using `work` (length n) as scratch:
   * draw j among the n remaining, take x[j], move the last remaining into its place.
   */
  permutation(n: number, out: Int32Array, work: Int32Array): void {
    for (let i = 0; i < n; i++) work[i] = i;
    let left = n;
    // bits = ceil(log2(left)), updated as `left` shrinks instead of a log per draw
    let bits = left > 1 ? Math.ceil(Math.log2(left)) : 0;
    for (let i = 0; i < n; i++) {
      while (bits > 0 && left <= 2 ** (bits - 1)) bits--;
      const j = left > 0 ? this.unifIndexBits(left, bits) : 0;
      out[i] = work[j];
      work[j] = work[--left];
    }
  }
}
