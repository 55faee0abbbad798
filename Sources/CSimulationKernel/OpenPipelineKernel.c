// The open-pipeline trial loop, eight deals per AVX-512 vector (see CSimulationKernel.h), for
// stays that are lognormal, exponential or Weibull (any mix of them across stages).
//
// Every function mirrors a Swift one in Sources/Simulation (named in its comment) operation for
// operation, so each deal draws the same numbers from its own stream and rounds the same way:
// the two loops give bit-identical totals (SimulationTests/VectorKernelTests checks it). Lanes
// whose ziggurat draw misses the fast path (about 1 in 80) finish it in scalar code that
// mirrors the Swift slow paths, using the same libm exp and log.
#include "CSimulationKernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
// x86-64 only; PIPECAST_NO_VECTOR_KERNEL builds the fallback (every call reports "unavailable").
#if defined(__x86_64__) && !defined(PIPECAST_NO_VECTOR_KERNEL)
#define PC_VECTOR_KERNEL 1
#include <immintrin.h>
#endif

// a * b + c must round twice, as in Swift: never a fused multiply-add.
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

#define VEC __attribute__((target("avx512f,avx512dq"), always_inline)) static inline
#define VEC_FN __attribute__((target("avx512f,avx512dq"))) static

enum {
  // `StageRow`'s fields.
  ROW_FAMILY = 0, ROW_P1 = 1, ROW_P2 = 2, ROW_P3 = 3, ROW_P4 = 4, ROW_NEVER = 5,
  ROW_C0 = 7, ROW_C1 = 8, ROW_C2 = 9, ROW_ADVANCE_ADD = 11, ROW_EXITS = 12,
  STAY_ENDED = -1, STAY_WON = -2,
  FAMILY_EXPONENTIAL = 0, FAMILY_LOGNORMAL = 1, FAMILY_WEIBULL = 3,
  MAX_STAGES = 16,
};

struct PCLanes {
  long capacity;
  /// One allocation holding every array below, each `capacity` + 16 slots (compressed stores
  /// write whole vectors: room for one more vector past the last lane).
  void *block;
  uint64_t *s0, *s1, *s2, *s3;
  double *t;
  /// Each deal's loss log-odds shift, time scale, amount and group, read once when it is taken.
  double *shift, *timeScale, *amount;
  int64_t *group;
  int64_t *stage, *deal, *stays;
};

PCLanes *pc_lanes_create(long capacity) {
  enum { ARRAYS = 12 };
  PCLanes *l = calloc(1, sizeof(PCLanes));
  if (!l) return NULL;
  // A multiple of 8 slots: every array starts on a 64-byte line, and the size is one that
  // aligned_alloc accepts.
  size_t slots = ((size_t)capacity + 16 + 7) & ~(size_t)7;
  char *block = aligned_alloc(64, ARRAYS * slots * 8);
  if (!block) {
    free(l);
    return NULL;
  }
  l->capacity = capacity;
  l->block = block;
  size_t k = 0;
#define NEXT_ARRAY (void *)(block + (k++) * slots * 8)
  l->s0 = NEXT_ARRAY; l->s1 = NEXT_ARRAY; l->s2 = NEXT_ARRAY; l->s3 = NEXT_ARRAY;
  l->t = NEXT_ARRAY; l->shift = NEXT_ARRAY; l->timeScale = NEXT_ARRAY; l->amount = NEXT_ARRAY;
  l->group = NEXT_ARRAY; l->stage = NEXT_ARRAY; l->deal = NEXT_ARRAY; l->stays = NEXT_ARRAY;
#undef NEXT_ARRAY
  return l;
}

void pc_lanes_destroy(PCLanes *l) {
  if (!l) return;
  free(l->block);
  free(l);
}

int pc_vector_kernel_available(void) {
#if PC_VECTOR_KERNEL
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
#else
  return 0;
#endif
}

#if PC_VECTOR_KERNEL

// ---------------------------------------------------------------------------------------------
// Scalar generator and slow paths (SimulationRandom).

typedef struct { uint64_t s0, s1, s2, s3; } ScalarRandom;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/// `SimulationRandom.next()`: xoshiro256**.
static inline uint64_t scalar_next(ScalarRandom *r) {
  uint64_t result = rotl(r->s1 * 5, 7) * 9;
  uint64_t t = r->s1 << 17;
  r->s2 ^= r->s0;
  r->s3 ^= r->s1;
  r->s1 ^= r->s2;
  r->s0 ^= r->s3;
  r->s2 ^= t;
  r->s3 = rotl(r->s3, 45);
  return result;
}

/// `SimulationRandom.uniform()`.
static inline double scalar_uniform(ScalarRandom *r) {
  return ((double)(scalar_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

typedef struct {
  const double *x, *f, *xe, *fe;
  double r, re;
} Ziggurat;

/// `SimulationRandom.slowNormal`: returns 1 and sets *y when the draw is accepted.
static int scalar_slow_normal(ScalarRandom *r, const Ziggurat *z, int i, double x, double u, double *y) {
  if (i == 0) {
    for (;;) {
      double a = -log(scalar_uniform(r)) / z->r;
      double b = -log(scalar_uniform(r));
      if (2 * b >= a * a) {
        *y = u < 0 ? -(z->r + a) : z->r + a;
        return 1;
      }
    }
  }
  double f = z->f[i + 1] + (z->f[i] - z->f[i + 1]) * scalar_uniform(r);
  if (f < exp(-0.5 * x * x)) {
    *y = x;
    return 1;
  }
  return 0;
}

/// `SimulationRandom.normal(_:)` after a first draw (layer i, x, u) missed the fast path.
static double scalar_normal_after_miss(ScalarRandom *r, const Ziggurat *z, int i, double x, double u) {
  for (;;) {
    double y;
    if (scalar_slow_normal(r, z, i, x, u, &y)) return y;
    uint64_t bits = scalar_next(r);
    i = (int)(bits & 0xFF);
    u = ((double)(bits >> 11) + 0.5) * 0x1.0p-52 - 1;
    x = u * z->x[i];
    if (fabs(x) < z->x[i + 1]) return x;
  }
}

/// `SimulationRandom.exponential(_:)` after a first draw (layer i, x) missed the fast path.
static double scalar_exponential_after_miss(ScalarRandom *r, const Ziggurat *z, int i, double x) {
  double offset = 0.0;
  for (;;) {
    if (i == 0) {
      offset += z->re;
    } else if (z->fe[i + 1] + (z->fe[i] - z->fe[i + 1]) * scalar_uniform(r) < exp(-x)) {
      return offset + x;
    }
    uint64_t bits = scalar_next(r);
    i = (int)(bits & 0xFF);
    x = ((double)(bits >> 11) + 0.5) * 0x1.0p-53 * z->xe[i];
    if (x < z->xe[i + 1]) return offset + x;
  }
}

// ---------------------------------------------------------------------------------------------
// Eight streams at once.

typedef struct { __m512i s0, s1, s2, s3; } VectorRandom;

/// `SimulationRandom.next()` in every lane of `m`; other lanes keep their state.
VEC __m512i vector_next(VectorRandom *r, __mmask8 m) {
  __m512i s0 = r->s0, s1 = r->s1, s2 = r->s2, s3 = r->s3;
  __m512i five = _mm512_add_epi64(s1, _mm512_slli_epi64(s1, 2));
  __m512i rotated = _mm512_rol_epi64(five, 7);
  __m512i result = _mm512_add_epi64(rotated, _mm512_slli_epi64(rotated, 3));
  __m512i t = _mm512_slli_epi64(s1, 17);
  s2 = _mm512_xor_si512(s2, s0);
  s3 = _mm512_xor_si512(s3, s1);
  s1 = _mm512_xor_si512(s1, s2);
  s0 = _mm512_xor_si512(s0, s3);
  s2 = _mm512_xor_si512(s2, t);
  s3 = _mm512_rol_epi64(s3, 45);
  r->s0 = _mm512_mask_mov_epi64(r->s0, m, s0);
  r->s1 = _mm512_mask_mov_epi64(r->s1, m, s1);
  r->s2 = _mm512_mask_mov_epi64(r->s2, m, s2);
  r->s3 = _mm512_mask_mov_epi64(r->s3, m, s3);
  return result;
}

/// (bits >> 11) as a double, + 0.5: exact (below 2^53).
VEC __m512d vector_top53(__m512i bits) {
  return _mm512_add_pd(_mm512_cvtepu64_pd(_mm512_srli_epi64(bits, 11)), _mm512_set1_pd(0.5));
}

VEC __m512d vector_uniform(VectorRandom *r, __mmask8 m) {
  return _mm512_mul_pd(vector_top53(vector_next(r, m)), _mm512_set1_pd(0x1.0p-53));
}

/// Lane `k` of the eight streams, and back.
VEC void lane_get(const VectorRandom *r, int k, ScalarRandom *out) {
  uint64_t a[8], b[8], c[8], d[8];
  _mm512_storeu_si512(a, r->s0); _mm512_storeu_si512(b, r->s1);
  _mm512_storeu_si512(c, r->s2); _mm512_storeu_si512(d, r->s3);
  out->s0 = a[k]; out->s1 = b[k]; out->s2 = c[k]; out->s3 = d[k];
}

VEC void lane_put(VectorRandom *r, int k, const ScalarRandom *in) {
  __mmask8 one = (__mmask8)(1u << k);
  r->s0 = _mm512_mask_mov_epi64(r->s0, one, _mm512_set1_epi64((long long)in->s0));
  r->s1 = _mm512_mask_mov_epi64(r->s1, one, _mm512_set1_epi64((long long)in->s1));
  r->s2 = _mm512_mask_mov_epi64(r->s2, one, _mm512_set1_epi64((long long)in->s2));
  r->s3 = _mm512_mask_mov_epi64(r->s3, one, _mm512_set1_epi64((long long)in->s3));
}

/// `SimulationRandom.normal(_:)` in the lanes of `m` (others return 0 and draw nothing).
VEC __m512d vector_normal(VectorRandom *r, __mmask8 m, const Ziggurat *z) {
  __m512i bits = vector_next(r, m);
  __m512i layer = _mm512_and_si512(bits, _mm512_set1_epi64(0xFF));
  __m512d u = _mm512_sub_pd(_mm512_mul_pd(vector_top53(bits), _mm512_set1_pd(0x1.0p-52)), _mm512_set1_pd(1));
  __m512d xi = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, layer, z->x, 8);
  __m512i above = _mm512_add_epi64(layer, _mm512_set1_epi64(1));
  __m512d edge = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, above, z->x, 8);
  __m512d x = _mm512_mul_pd(u, xi);
  __mmask8 fast = _mm512_mask_cmp_pd_mask(m, _mm512_abs_pd(x), edge, _CMP_LT_OQ);
  __mmask8 slow = m & (__mmask8)~fast;
  if (__builtin_expect(slow != 0, 0)) {
    double xs[8], us[8];
    int64_t layers[8];
    _mm512_storeu_pd(xs, x);
    _mm512_storeu_pd(us, u);
    _mm512_storeu_si512(layers, layer);
    for (int k = 0; k < 8; k++) {
      if (!(slow >> k & 1)) continue;
      ScalarRandom s;
      lane_get(r, k, &s);
      xs[k] = scalar_normal_after_miss(&s, z, (int)layers[k], xs[k], us[k]);
      lane_put(r, k, &s);
    }
    x = _mm512_loadu_pd(xs);
  }
  return _mm512_maskz_mov_pd(m, x);
}

/// `SimulationRandom.exponential(_:)` in the lanes of `m`.
VEC __m512d vector_exponential(VectorRandom *r, __mmask8 m, const Ziggurat *z) {
  __m512i bits = vector_next(r, m);
  __m512i layer = _mm512_and_si512(bits, _mm512_set1_epi64(0xFF));
  __m512d xi = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, layer, z->xe, 8);
  __m512i above = _mm512_add_epi64(layer, _mm512_set1_epi64(1));
  __m512d edge = _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, above, z->xe, 8);
  __m512d x = _mm512_mul_pd(_mm512_mul_pd(vector_top53(bits), _mm512_set1_pd(0x1.0p-53)), xi);
  __mmask8 fast = _mm512_mask_cmp_pd_mask(m, x, edge, _CMP_LT_OQ);
  __mmask8 slow = m & (__mmask8)~fast;
  if (__builtin_expect(slow != 0, 0)) {
    double xs[8];
    int64_t layers[8];
    _mm512_storeu_pd(xs, x);
    _mm512_storeu_si512(layers, layer);
    for (int k = 0; k < 8; k++) {
      if (!(slow >> k & 1)) continue;
      ScalarRandom s;
      lane_get(r, k, &s);
      xs[k] = scalar_exponential_after_miss(&s, z, (int)layers[k], xs[k]);
      lane_put(r, k, &s);
    }
    x = _mm512_loadu_pd(xs);
  }
  return _mm512_maskz_mov_pd(m, x);
}

/// `SimulationRandom.init(stream:index:)` for indices `index`.
VEC __m512i vector_mix(__m512i x) {
  __m512i z = x;
  __m512i m1 = _mm512_set1_epi64((long long)0xBF58476D1CE4E5B9ULL);
  __m512i m2 = _mm512_set1_epi64((long long)0x94D049BB133111EBULL);
  z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), m1);
  z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), m2);
  return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

VEC VectorRandom vector_streams(uint64_t key, __m512i index) {
  const uint64_t g = 0x9E3779B97F4A7C15ULL;
  __m512i h = vector_mix(_mm512_xor_si512(
    _mm512_set1_epi64((long long)key), _mm512_mullo_epi64(index, _mm512_set1_epi64((long long)0xD1B54A32D192ED03ULL))));
  VectorRandom r;
  r.s0 = vector_mix(_mm512_add_epi64(h, _mm512_set1_epi64((long long)g)));
  r.s1 = vector_mix(_mm512_add_epi64(h, _mm512_set1_epi64((long long)(2 * g))));
  r.s2 = vector_mix(_mm512_add_epi64(h, _mm512_set1_epi64((long long)(3 * g))));
  r.s3 = vector_mix(_mm512_add_epi64(h, _mm512_set1_epi64((long long)(4 * g))));
  // An all-zero state (probability 2^-256) gets s0 = 1, as in Swift.
  __m512i any = _mm512_or_si512(_mm512_or_si512(r.s0, r.s1), _mm512_or_si512(r.s2, r.s3));
  __mmask8 zero = _mm512_cmpeq_epi64_mask(any, _mm512_setzero_si512());
  r.s0 = _mm512_mask_mov_epi64(r.s0, zero, _mm512_set1_epi64(1));
  return r;
}

/// `fastExp`: the same clamp, reduction, Estrin tree and exponent bits.
VEC __m512d vector_exp(__m512d x) {
  __m512d xc = _mm512_min_pd(_mm512_max_pd(x, _mm512_set1_pd(-708)), _mm512_set1_pd(709));
  __m512d shifter = _mm512_set1_pd(6755399441055744.0);
  __m512d shifted = _mm512_add_pd(_mm512_mul_pd(xc, _mm512_set1_pd(1.4426950408889634)), shifter);
  __m512d k = _mm512_sub_pd(shifted, shifter);
  __m512d r = _mm512_sub_pd(
    _mm512_sub_pd(xc, _mm512_mul_pd(k, _mm512_set1_pd(0.6931471805599453))),
    _mm512_mul_pd(k, _mm512_set1_pd(2.3190468138462996e-17)));
  __m512d r2 = _mm512_mul_pd(r, r);
  __m512d r4 = _mm512_mul_pd(r2, r2);
  __m512d r8 = _mm512_mul_pd(r4, r4);
#define LINEAR(a, b) _mm512_add_pd(_mm512_set1_pd(a), _mm512_mul_pd(r, _mm512_set1_pd(b)))
  __m512d q0 = _mm512_add_pd(_mm512_set1_pd(1), r);
  __m512d q1 = LINEAR(0.5, 0.16666666666666666);
  __m512d q2 = LINEAR(0.041666666666666664, 0.008333333333333333);
  __m512d q3 = LINEAR(0.001388888888888889, 0.0001984126984126984);
  __m512d q4 = LINEAR(2.48015873015873e-05, 2.7557319223985893e-06);
  __m512d q5 = LINEAR(2.755731922398589e-07, 2.505210838544172e-08);
#undef LINEAR
  __m512d s0 = _mm512_add_pd(q0, _mm512_mul_pd(r2, q1));
  __m512d s1 = _mm512_add_pd(q2, _mm512_mul_pd(r2, q3));
  __m512d s2 = _mm512_add_pd(q4, _mm512_mul_pd(r2, q5));
  __m512d p = _mm512_add_pd(_mm512_add_pd(s0, _mm512_mul_pd(r4, s1)), _mm512_mul_pd(r8, s2));
  __m512i bits = _mm512_slli_epi64(_mm512_add_epi64(_mm512_castpd_si512(shifted), _mm512_set1_epi64(1023)), 52);
  return _mm512_mul_pd(p, _mm512_castsi512_pd(bits));
}

/// `fastLog` (fdlibm's polynomial): the same split into exponent and mantissa, the same steps.
VEC __m512d vector_log(__m512d x) {
  __m512i bits = _mm512_castpd_si512(x);
  __m512d e = _mm512_cvtepi64_pd(_mm512_sub_epi64(_mm512_srli_epi64(bits, 52), _mm512_set1_epi64(1023)));
  __m512d m = _mm512_castsi512_pd(_mm512_or_si512(
    _mm512_and_si512(bits, _mm512_set1_epi64(0x000FFFFFFFFFFFFFLL)), _mm512_set1_epi64(0x3FF0000000000000LL)));
  __mmask8 high = _mm512_cmp_pd_mask(m, _mm512_set1_pd(1.4142135623730951), _CMP_GT_OQ);
  m = _mm512_mask_mul_pd(m, high, _mm512_set1_pd(0.5), m);
  e = _mm512_mask_add_pd(e, high, e, _mm512_set1_pd(1));
  __m512d f = _mm512_sub_pd(m, _mm512_set1_pd(1));
  __m512d s = _mm512_div_pd(f, _mm512_add_pd(_mm512_set1_pd(2), f));
  __m512d z = _mm512_mul_pd(s, s);
  __m512d w = _mm512_mul_pd(z, z);
#define C(v) _mm512_set1_pd(v)
  __m512d t1 = _mm512_mul_pd(w, _mm512_add_pd(C(3.999999999940941908e-01),
    _mm512_mul_pd(w, _mm512_add_pd(C(2.222219843214978396e-01), _mm512_mul_pd(w, C(1.531383769920937332e-01))))));
  __m512d t2 = _mm512_mul_pd(z, _mm512_add_pd(C(6.666666666666735130e-01), _mm512_mul_pd(w, _mm512_add_pd(
    C(2.857142874366239149e-01), _mm512_mul_pd(w, _mm512_add_pd(C(1.818357216161805012e-01),
    _mm512_mul_pd(w, C(1.479819860511658591e-01))))))));
  __m512d r = _mm512_add_pd(t2, t1);
  __m512d hfsq = _mm512_mul_pd(_mm512_mul_pd(C(0.5), f), f);
  __m512d inner = _mm512_sub_pd(hfsq, _mm512_add_pd(_mm512_mul_pd(s, _mm512_add_pd(hfsq, r)),
    _mm512_mul_pd(e, C(1.90821492927058770002e-10))));
  return _mm512_sub_pd(_mm512_mul_pd(e, C(6.93147180369123816490e-01)), _mm512_sub_pd(inner, f));
#undef C
}

// ---------------------------------------------------------------------------------------------
// The stage table as columns: a stage's value of a field by one permute (at most 16 stages).

typedef struct { __m512d low, high; } Column;

typedef struct {
  /// Family code, and p1 … p4 (lognormal: μ, σ, 1/σ; exponential: mean, log mean; Weibull:
  /// scale, 1/shape, shape, log scale).
  Column family, mu, sigma, inverseSigma, p4, neverEnding, c0, c1, c2, advanceAdd;
  Column cumulative[MAX_STAGES];
  long exitSlots;
  const double *table;
  long stride;
  Ziggurat z;
  double horizon, leverStart, cycleMultiplier;
} Stages;

VEC Column column(const double *table, long stride, long stages, long field) {
  double v[16] = {0};
  for (long s = 0; s < stages; s++) v[s] = table[s * stride + field];
  Column c = {_mm512_loadu_pd(v), _mm512_loadu_pd(v + 8)};
  return c;
}

VEC __m512d lookup(Column c, __m512i stage) { return _mm512_permutex2var_pd(c.low, stage, c.high); }

/// The lanes of `m` whose stage has `family`.
VEC __mmask8 family_lanes(const Stages *st, __mmask8 m, __m512i stage, int family) {
  return m & _mm512_cmp_pd_mask(lookup(st->family, stage), _mm512_set1_pd(family), _CMP_EQ_OQ);
}

/// `TrialKernel.freshStay` for the exponential and Weibull lanes, from one unit exponential `e`
/// each: sets their `length` and `logLength`.
VEC void fresh_exponential_families(
  const Stages *st, __mmask8 exponential, __mmask8 weibull, __m512i stage, __m512d e, __m512d *length,
  __m512d *logLength
) {
  __m512d logE = vector_log(e);
  __m512d p1 = lookup(st->mu, stage), p2 = lookup(st->sigma, stage);
  // Exponential: (mean × E, log mean + log E).
  *length = _mm512_mask_mul_pd(*length, exponential, p1, e);
  *logLength = _mm512_mask_add_pd(*logLength, exponential, p2, logE);
  // Weibull: log T = log scale + log E / shape.
  __m512d logT = _mm512_add_pd(lookup(st->p4, stage), _mm512_mul_pd(logE, p2));
  *length = _mm512_mask_mov_pd(*length, weibull, vector_exp(logT));
  *logLength = _mm512_mask_mov_pd(*logLength, weibull, logT);
}

/// The lanes of `m` whose stay never ends, each with probability `p`: a uniform is drawn only in
/// the lanes where p > 0 (as `TrialKernel.stay` draws it only then).
VEC __mmask8 never_ending(VectorRandom *r, __mmask8 m, __m512d p) {
  __mmask8 draw = m & _mm512_cmp_pd_mask(p, _mm512_setzero_pd(), _CMP_GT_OQ);
  if (!draw) return 0;
  return draw & _mm512_cmp_pd_mask(vector_uniform(r, draw), p, _CMP_LT_OQ);
}

/// `TrialKernel.endOfStay` for the lanes of `m`: moves `t` on and returns the next stage,
/// STAY_WON or STAY_ENDED.
VEC __m512i end_of_stay(
  const Stages *st, VectorRandom *r, __mmask8 m, __m512i stage, __m512d stayStart, __m512d *t,
  __m512d remaining, __m512d x, __mmask8 never, __m512d shift, __m512d timeScale
) {
  __mmask8 after = _mm512_cmp_pd_mask(stayStart, _mm512_set1_pd(st->leverStart), _CMP_GE_OQ);
  __m512d stretched = _mm512_mask_mul_pd(remaining, after, remaining, _mm512_set1_pd(st->cycleMultiplier));
  *t = _mm512_add_pd(*t, _mm512_mul_pd(stretched, timeScale));
  __mmask8 inside = _mm512_cmp_pd_mask(*t, _mm512_set1_pd(st->horizon), _CMP_LT_OQ);
  __m512d eta = _mm512_add_pd(
    _mm512_add_pd(lookup(st->c0, stage),
      _mm512_mul_pd(x, _mm512_add_pd(lookup(st->c1, stage), _mm512_mul_pd(x, lookup(st->c2, stage))))),
    shift);
  __m512d u = vector_uniform(r, m);
  __m512d q = vector_exp(_mm512_xor_pd(eta, _mm512_set1_pd(-0.0)));
  __m512d onePlusQ = _mm512_add_pd(_mm512_set1_pd(1), q);
  __mmask8 lost = _mm512_cmp_pd_mask(_mm512_mul_pd(u, onePlusQ), _mm512_set1_pd(1), _CMP_LT_OQ);
  __m512d add = lookup(st->advanceAdd, stage);
  __mmask8 lever = after & _mm512_cmp_pd_mask(add, _mm512_setzero_pd(), _CMP_NEQ_UQ);
  if (__builtin_expect(lever != 0, 0)) {
    __m512d p = _mm512_min_pd(_mm512_set1_pd(1), _mm512_max_pd(_mm512_setzero_pd(),
      _mm512_sub_pd(_mm512_div_pd(_mm512_set1_pd(1), onePlusQ), add)));
    __mmask8 lostLever = _mm512_cmp_pd_mask(u, p, _CMP_LT_OQ);
    lost = (lost & (__mmask8)~lever) | (lostLever & lever);
  }
  __m512d v = vector_uniform(r, m);
  __m512i k = _mm512_set1_epi64(ROW_EXITS);
  for (long j = 0; j < st->exitSlots; j++) {
    __mmask8 past = _mm512_cmp_pd_mask(v, lookup(st->cumulative[j], stage), _CMP_GE_OQ);
    k = _mm512_mask_add_epi64(k, past, k, _mm512_set1_epi64(2));
  }
  __m512i slot = _mm512_add_epi64(
    _mm512_mullo_epi64(stage, _mm512_set1_epi64(st->stride)), _mm512_add_epi64(k, _mm512_set1_epi64(1)));
  __m512i target = _mm512_cvttpd_epi64(_mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, slot, st->table, 8));
  __mmask8 won = _mm512_cmplt_epi64_mask(target, _mm512_setzero_si512());
  __m512i next = _mm512_mask_mov_epi64(target, won, _mm512_set1_epi64(STAY_WON));
  __mmask8 ended = never | (__mmask8)~inside | lost;
  return _mm512_mask_mov_epi64(next, ended, _mm512_set1_epi64(STAY_ENDED));
}

/// `TrialKernel.bookWithoutBranching` for the lanes of `m`, in lane order. The clamp to the
/// last day and the period lookup are vector work; only wins inside a period reach the scalar
/// loop, which reads its lanes from registers (a reload of a just-stored vector would stall).
VEC void book(
  const PCOpenTrial *o, __mmask8 m, __m512i next, __m512d t, __m512i deal, __m512d amount, __m512i group
) {
  __mmask8 won = m & _mm512_cmpeq_epi64_mask(next, _mm512_set1_epi64(STAY_WON));
  if (!won) return;
  __m512d clamped = _mm512_min_pd(t, _mm512_set1_pd(o->lastDay));
  __m512i day = _mm512_cvttpd_epi64(clamped);
  __m512i period = _mm512_cvtepi32_epi64(
    _mm512_mask_i64gather_epi32(_mm256_setzero_si256(), won, day, o->periodOfDay, 4));
  __mmask8 counted = won & _mm512_cmpge_epi64_mask(period, _mm512_setzero_si512());
  if (!counted) return;
  // value = t >= lever start ? amount × size multiplier : amount (with the clamped t, as Swift).
  __mmask8 after = _mm512_cmp_pd_mask(clamped, _mm512_set1_pd(o->leverStart), _CMP_GE_OQ);
  __m512d value = _mm512_mask_mul_pd(amount, after, amount, _mm512_set1_pd(o->sizeMultiplier));
  int n = __builtin_popcount(counted);
  __m512d values = _mm512_maskz_compress_pd(counted, value);
  __m512i deals = _mm512_maskz_compress_epi64(counted, deal);
  __m512i periods = _mm512_maskz_compress_epi64(counted, period);
  __m512i groups = _mm512_maskz_compress_epi64(counted, group);
  for (int k = 0; k < n; k++) {
    __m512i lane = _mm512_set1_epi64(k);
    double v = _mm_cvtsd_f64(_mm512_castpd512_pd128(_mm512_permutexvar_pd(lane, values)));
    long d = _mm_cvtsi128_si64(_mm512_castsi512_si128(_mm512_permutexvar_epi64(lane, deals)));
    long p = _mm_cvtsi128_si64(_mm512_castsi512_si128(_mm512_permutexvar_epi64(lane, periods)));
    long i = o->trial * o->periods + p;
    o->bookings[i] += v;
    o->wonDeals[i] += 1.0;
    o->fromOpen[i] += v;
    if (o->groupBookings) {
      long g = _mm_cvtsi128_si64(_mm512_castsi512_si128(_mm512_permutexvar_epi64(lane, groups)));
      long j = (o->trial * o->groups + g) * o->periods + p;
      o->groupBookings[j] += v;
      o->groupWonDeals[j] += 1;
      o->groupFromOpen[j] += v;
    }
    o->dealWins[d] += 1;
  }
}

/// Compressed stores of the lanes of `keep` from `at` (`vpcompressq` into a register, then a
/// whole-vector store: a compress straight to memory is slow on Zen 4). Up to seven slots past
/// the kept ones are overwritten; returns how many were kept.
VEC long store_lanes(
  PCLanes *l, long at, __mmask8 keep, const VectorRandom *r, __m512d t, __m512d shift, __m512d timeScale,
  __m512d amount, __m512i group, __m512i stage, __m512i deal, __m512i stays
) {
  _mm512_storeu_si512(l->s0 + at, _mm512_maskz_compress_epi64(keep, r->s0));
  _mm512_storeu_si512(l->s1 + at, _mm512_maskz_compress_epi64(keep, r->s1));
  _mm512_storeu_si512(l->s2 + at, _mm512_maskz_compress_epi64(keep, r->s2));
  _mm512_storeu_si512(l->s3 + at, _mm512_maskz_compress_epi64(keep, r->s3));
  _mm512_storeu_pd(l->t + at, _mm512_maskz_compress_pd(keep, t));
  _mm512_storeu_pd(l->shift + at, _mm512_maskz_compress_pd(keep, shift));
  _mm512_storeu_pd(l->timeScale + at, _mm512_maskz_compress_pd(keep, timeScale));
  _mm512_storeu_pd(l->amount + at, _mm512_maskz_compress_pd(keep, amount));
  _mm512_storeu_si512(l->group + at, _mm512_maskz_compress_epi64(keep, group));
  _mm512_storeu_si512(l->stage + at, _mm512_maskz_compress_epi64(keep, stage));
  _mm512_storeu_si512(l->deal + at, _mm512_maskz_compress_epi64(keep, deal));
  _mm512_storeu_si512(l->stays + at, _mm512_maskz_compress_epi64(keep, stays));
  return __builtin_popcount(keep);
}

/// `TrialKernel.takeDeals` for the `count` (<= 8) deals from `first`: each one's first,
/// age-conditioned stay; returns how many moved on (stored in the lanes from `active`).
VEC_FN long take_deals(const PCOpenTrial *o, const Stages *st, PCLanes *l, long first, int count, long active) {
  __mmask8 m = (__mmask8)((1u << count) - 1);
  __m512i deal = _mm512_add_epi64(_mm512_set1_epi64(first), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
  __mmask16 m16 = m;
  __m512i stage = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32(m16, o->dealStage + first)));
  __m512i rep = _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32(m16, o->dealRep + first)));
  __m512d age = _mm512_maskz_loadu_pd(m, o->dealAge + first);
  __m512d logAge = _mm512_maskz_loadu_pd(m, o->dealLogAge + first);
  __m512d timeScale = o->dealTimeScale ? _mm512_maskz_loadu_pd(m, o->dealTimeScale + first) : _mm512_set1_pd(1);
  __m512d amount = _mm512_maskz_loadu_pd(m, o->dealAmount + first);
  __m512i group = o->dealGroup
    ? _mm512_cvtepi32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32(m16, o->dealGroup + first)))
    : _mm512_set1_epi64(o->uniformGroup);
  // The loss log-odds shift: the rep's (this block's draw) plus the ramp's at creation (+ 0.0
  // when there is none, as in Swift).
  __m512d shift = _mm512_add_pd(
    _mm512_mask_i64gather_pd(_mm512_setzero_pd(), m, rep, o->repShift, 8),
    o->dealRampShift ? _mm512_maskz_loadu_pd(m, o->dealRampShift + first) : _mm512_setzero_pd());
  __mmask8 hasNever = (__mmask8)(first >= o->neverEndingCount ? 0
    : (o->neverEndingCount - first >= 8 ? 0xFF : (1u << (o->neverEndingCount - first)) - 1)) & m;
  // Only load when some lane has odds: a masked load from a null or unmapped address costs a
  // fault-suppression assist even with every lane masked off.
  __m512d dealNever = hasNever ? _mm512_maskz_loadu_pd(hasNever, o->neverEnding + first) : _mm512_setzero_pd();
  VectorRandom r = vector_streams(o->trialKey, deal);

  __m512d mu = lookup(st->mu, stage);
  __m512d sigma = lookup(st->sigma, stage);
  __mmask8 aged = m & _mm512_cmp_pd_mask(age, _mm512_setzero_pd(), _CMP_GT_OQ);
  __mmask8 fresh = m & (__mmask8)~aged;
  // The never-ending draw: aged deals by their own probability, fresh ones by the stage's π.
  __m512d pi = lookup(st->neverEnding, stage);
  __mmask8 never = never_ending(&r, m, _mm512_mask_mov_pd(pi, aged, dealNever));

  // `TrialKernel.conditioning`: Robert's z0 = (log age − μ)/σ, w = √(z0² + 4), α = (z0 + w)/2,
  // 1/α = (w − z0)/2, the same operations as the Swift table (square roots are exact-rounded).
  __mmask8 lognormal = family_lanes(st, m, stage, FAMILY_LOGNORMAL);
  __mmask8 exponential = family_lanes(st, m, stage, FAMILY_EXPONENTIAL);
  __mmask8 weibull = family_lanes(st, m, stage, FAMILY_WEIBULL);
  __mmask8 agedLognormal = aged & lognormal;
  __m512d z0 = _mm512_maskz_mul_pd(agedLognormal, _mm512_sub_pd(logAge, mu), lookup(st->inverseSigma, stage));
  __m512d w = _mm512_sqrt_pd(_mm512_add_pd(_mm512_mul_pd(z0, z0), _mm512_set1_pd(4)));
  __m512d alpha = _mm512_mul_pd(_mm512_set1_pd(0.5), _mm512_add_pd(z0, w));
  __m512d step = _mm512_mul_pd(_mm512_set1_pd(0.5), _mm512_sub_pd(w, z0));
  // |z0| < inf (z0 finite; NaN is not).
  __mmask8 finite = agedLognormal & _mm512_cmp_pd_mask(_mm512_abs_pd(z0), _mm512_set1_pd(INFINITY), _CMP_LT_OQ);
  __mmask8 below = finite & _mm512_cmp_pd_mask(z0, _mm512_setzero_pd(), _CMP_LE_OQ);
  __mmask8 above = finite & (__mmask8)~below;

  // Fresh lognormal stays and the first try of plain rejection share one normal draw.
  __m512d n = vector_normal(&r, (fresh & lognormal) | below, &st->z);
  __m512d zz = n;
  __mmask8 pending = below & (__mmask8)~_mm512_cmp_pd_mask(n, z0, _CMP_GT_OQ);
  while (pending) {
    __m512d again = vector_normal(&r, pending, &st->z);
    __mmask8 ok = pending & _mm512_cmp_pd_mask(again, z0, _CMP_GT_OQ);
    zz = _mm512_mask_mov_pd(zz, ok, again);
    pending &= (__mmask8)~ok;
  }
  // Robert's exponential proposal above z0 > 0.
  pending = above;
  while (pending) {
    __m512d e1 = vector_exponential(&r, pending, &st->z);
    __m512d proposal = _mm512_add_pd(z0, _mm512_mul_pd(e1, step));
    __m512d d = _mm512_sub_pd(proposal, alpha);
    __m512d e2 = vector_exponential(&r, pending, &st->z);
    __mmask8 ok = pending & _mm512_cmp_pd_mask(_mm512_mul_pd(_mm512_set1_pd(2), e2), _mm512_mul_pd(d, d), _CMP_GE_OQ);
    zz = _mm512_mask_mov_pd(zz, ok, proposal);
    pending &= (__mmask8)~ok;
  }
  __m512d logT = _mm512_add_pd(mu, _mm512_mul_pd(sigma, zz));
  __m512d length = vector_exp(logT);
  // Aged: what is left of the stay (0 for a non-finite z0, whose log length is log age).
  __m512d left = _mm512_max_pd(_mm512_setzero_pd(), _mm512_sub_pd(length, age));
  __m512d remaining = _mm512_mask_mov_pd(length, agedLognormal, left);
  __mmask8 stuck = agedLognormal & (__mmask8)~finite;
  remaining = _mm512_mask_mov_pd(remaining, stuck, _mm512_setzero_pd());
  __m512d x = _mm512_mask_mov_pd(logT, stuck, logAge);
  // Exponential and Weibull stays (`TrialKernel.conditionalOtherFamily`): one exponential each.
  if (exponential | weibull) {
    __m512d e = vector_exponential(&r, exponential | weibull, &st->z);
    fresh_exponential_families(st, fresh & exponential, fresh & weibull, stage, e, &remaining, &x);
    // Exponential given T > age: total = age + mean × E; (total − age, log total).
    __mmask8 agedExponential = aged & exponential;
    __m512d total = _mm512_add_pd(age, _mm512_mul_pd(lookup(st->mu, stage), e));
    remaining = _mm512_mask_mov_pd(remaining, agedExponential, _mm512_sub_pd(total, age));
    x = _mm512_mask_mov_pd(x, agedExponential, vector_log(total));
    // Weibull given T > age: y = (age/λ)^k + E (the conditioning as `TrialKernel.conditioning`
    // computes it), log T = log λ + log y / k.
    __mmask8 agedWeibull = aged & weibull;
    __m512d p4 = lookup(st->p4, stage);
    __m512d a = vector_exp(_mm512_mul_pd(lookup(st->inverseSigma, stage), _mm512_sub_pd(logAge, p4)));
    __m512d logTotal = _mm512_add_pd(p4, _mm512_mul_pd(vector_log(_mm512_add_pd(a, e)), sigma));
    __m512d weibullLeft = _mm512_max_pd(_mm512_setzero_pd(), _mm512_sub_pd(vector_exp(logTotal), age));
    remaining = _mm512_mask_mov_pd(remaining, agedWeibull, weibullLeft);
    x = _mm512_mask_mov_pd(x, agedWeibull, logTotal);
  }

  __m512d t = _mm512_setzero_pd();
  __m512i next = end_of_stay(st, &r, m, stage, _mm512_setzero_pd(), &t, remaining, x, never, shift, timeScale);
  book(o, m, next, t, deal, amount, group);

  __mmask8 keep = m & _mm512_cmpge_epi64_mask(next, _mm512_setzero_si512());
  return store_lanes(l, active, keep, &r, t, shift, timeScale, amount, group, next, deal, _mm512_set1_epi64(1));
}

/// `TrialKernel.advanceLanes`: one fresh stay for each of the `active` lanes; returns how many
/// are still open, packed first in their order.
VEC_FN long advance_lanes(const PCOpenTrial *o, const Stages *st, PCLanes *l, long active) {
  long kept = 0;
  for (long i = 0; i < active; i += 8) {
    long count = active - i < 8 ? active - i : 8;
    __mmask8 m = (__mmask8)((1u << count) - 1);
    VectorRandom r = {
      _mm512_maskz_loadu_epi64(m, l->s0 + i), _mm512_maskz_loadu_epi64(m, l->s1 + i),
      _mm512_maskz_loadu_epi64(m, l->s2 + i), _mm512_maskz_loadu_epi64(m, l->s3 + i)};
    __m512d t = _mm512_maskz_loadu_pd(m, l->t + i);
    __m512i stage = _mm512_maskz_loadu_epi64(m, l->stage + i);
    __m512i deal = _mm512_maskz_loadu_epi64(m, l->deal + i);
    __m512i stays = _mm512_add_epi64(_mm512_maskz_loadu_epi64(m, l->stays + i), _mm512_set1_epi64(1));
    __m512d shift = _mm512_maskz_loadu_pd(m, l->shift + i);
    __m512d timeScale = _mm512_maskz_loadu_pd(m, l->timeScale + i);
    __m512d amount = _mm512_maskz_loadu_pd(m, l->amount + i);
    __m512i group = _mm512_maskz_loadu_epi64(m, l->group + i);

    // `TrialKernel.freshStayStep`.
    __mmask8 never = never_ending(&r, m, lookup(st->neverEnding, stage));
    __mmask8 lognormal = family_lanes(st, m, stage, FAMILY_LOGNORMAL);
    __m512d logT = _mm512_add_pd(
      lookup(st->mu, stage), _mm512_mul_pd(lookup(st->sigma, stage), vector_normal(&r, lognormal, &st->z)));
    __m512d length = vector_exp(logT);
    __mmask8 other = m & (__mmask8)~lognormal;
    if (other) {
      __m512d e = vector_exponential(&r, other, &st->z);
      fresh_exponential_families(st, family_lanes(st, m, stage, FAMILY_EXPONENTIAL),
        family_lanes(st, m, stage, FAMILY_WEIBULL), stage, e, &length, &logT);
    }
    __m512d start = t;
    __m512i next = end_of_stay(st, &r, m, stage, start, &t, length, logT, never, shift, timeScale);
    book(o, m, next, t, deal, amount, group);

    __mmask8 keep = m & _mm512_cmpge_epi64_mask(next, _mm512_setzero_si512())
      & _mm512_cmplt_epi64_mask(stays, _mm512_set1_epi64(o->maxStaysPerDeal));
    // kept <= i: the stores overwrite only lanes already read.
    kept += store_lanes(l, kept, keep, &r, t, shift, timeScale, amount, group, next, deal, stays);
  }
  return kept;
}

VEC_FN long run_open_trial(const PCOpenTrial *o, PCLanes *l) {
  Stages st;
  memset(&st, 0, sizeof st);
  st.table = o->table;
  st.stride = o->stride;
  st.exitSlots = (o->stride - ROW_EXITS) / 2 - 1;
  st.z = (Ziggurat){o->zx, o->zf, o->zxe, o->zfe, o->zr, o->zre};
  st.horizon = o->horizon;
  st.leverStart = o->leverStart;
  st.cycleMultiplier = o->cycleMultiplier;
  st.mu = column(o->table, o->stride, o->stages, ROW_P1);
  st.sigma = column(o->table, o->stride, o->stages, ROW_P2);
  st.inverseSigma = column(o->table, o->stride, o->stages, ROW_P3);
  st.p4 = column(o->table, o->stride, o->stages, ROW_P4);
  st.family = column(o->table, o->stride, o->stages, ROW_FAMILY);
  st.neverEnding = column(o->table, o->stride, o->stages, ROW_NEVER);
  st.c0 = column(o->table, o->stride, o->stages, ROW_C0);
  st.c1 = column(o->table, o->stride, o->stages, ROW_C1);
  st.c2 = column(o->table, o->stride, o->stages, ROW_C2);
  st.advanceAdd = column(o->table, o->stride, o->stages, ROW_ADVANCE_ADD);
  for (long j = 0; j < st.exitSlots && j < MAX_STAGES; j++)
    st.cumulative[j] = column(o->table, o->stride, o->stages, ROW_EXITS + 2 * j);

  long laneCount = o->laneCount < l->capacity ? o->laneCount : l->capacity;
  long next = 0, active = 0, laneStays = 0;
  for (;;) {
    while (active < laneCount && next < o->dealCount) {
      long room = laneCount - active, left = o->dealCount - next;
      int count = (int)(room < 8 ? (left < room ? left : room) : (left < 8 ? left : 8));
      active += take_deals(o, &st, l, next, count, active);
      next += count;
    }
    if (active == 0) break;
    laneStays += active;
    active = advance_lanes(o, &st, l, active);
  }
  return laneStays + o->dealCount;
}

long pc_run_open_trial(const PCOpenTrial *o, PCLanes *l) {
  if (o->stages > MAX_STAGES || o->stages < 1) return -1;
  return run_open_trial(o, l);
}

#else

long pc_run_open_trial(const PCOpenTrial *o, PCLanes *l) {
  (void)o;
  (void)l;
  return -1;
}

#endif
