// C reference for the bench: see include/cref.h. Written for speed, kept to the same
// arithmetic as the Swift scalar reference (no FMA contraction: the C target is built
// with -ffp-contract=off and the pragma below).
#pragma STDC FP_CONTRACT OFF
#define _GNU_SOURCE
#include "cref.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#define LABEL_BITS 6

static inline uint64_t load64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint32_t load32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

// ---------------------------------------------------------------------------------------
// Scalar row update: the definition (same as AblasimKernels.pennesRowScalar).
// Scalar row update: the definition (same as AblasimKernels.pennesRowScalar).
static inline void scalar_row_f32(const float *t, float *tn, const uint8_t *lab, const float *q, long n,
                                  long sy, long sz, const cref_tables_f32 *tb) {
    for (long i = 0; i < n; i++) {
        int l = lab[i];
        int row = l << LABEL_BITS;
        float t0 = t[i];
        float d = 0;
        d += tb->gx[row | lab[i - 1]] * (t[i - 1] - t0);
        d += tb->gx[row | lab[i + 1]] * (t[i + 1] - t0);
        d += tb->gy[row | lab[i - sy]] * (t[i - sy] - t0);
        d += tb->gy[row | lab[i + sy]] * (t[i + sy] - t0);
        d += tb->gz[row | lab[i - sz]] * (t[i - sz] - t0);
        d += tb->gz[row | lab[i + sz]] * (t[i + sz] - t0);
        d += tb->perfusion[l] * (tb->arterial - t0);
        d += tb->source_scale[l] * q[i];
        tn[i] = t0 + d;
    }
}

static inline void scalar_row_f64(const double *t, double *tn, const uint8_t *lab, const double *q, long n,
                                  long sy, long sz, const cref_tables_f64 *tb) {
    for (long i = 0; i < n; i++) {
        int l = lab[i];
        int row = l << LABEL_BITS;
        double t0 = t[i];
        double d = 0;
        d += tb->gx[row | lab[i - 1]] * (t[i - 1] - t0);
        d += tb->gx[row | lab[i + 1]] * (t[i + 1] - t0);
        d += tb->gy[row | lab[i - sy]] * (t[i - sy] - t0);
        d += tb->gy[row | lab[i + sy]] * (t[i + sy] - t0);
        d += tb->gz[row | lab[i - sz]] * (t[i - sz] - t0);
        d += tb->gz[row | lab[i + sz]] * (t[i + sz] - t0);
        d += tb->perfusion[l] * (tb->arterial - t0);
        d += tb->source_scale[l] * q[i];
        tn[i] = t0 + d;
    }
}

static void row_f32(const float *t, float *tn, const uint8_t *lab, const float *q, long n,
                    long sy, long sz, const cref_tables_f32 *tb, int shortcut) {
    long i = 0;
#if defined(__AVX2__)
    const __m256 ta = _mm256_set1_ps(tb->arterial);
    const uint64_t ones = 0x0101010101010101ULL;
    for (; i + 8 <= n; i += 8) {
        const uint8_t *lp = lab + i;
        uint64_t lc = load64(lp);
        uint64_t lxm = load64(lp - 1), lxp = load64(lp + 1);
        uint64_t lym = load64(lp - sy), lyp = load64(lp + sy);
        uint64_t lzm = load64(lp - sz), lzp = load64(lp + sz);
        __m256 gxm, gxp, gym, gyp, gzm, gzp, pf, ss;
        uint64_t diff = (lc ^ ((lc & 0xff) * ones)) | (lxm ^ lc) | (lxp ^ lc) | (lym ^ lc) |
                        (lyp ^ lc) | (lzm ^ lc) | (lzp ^ lc);
        if (shortcut == 3 && lc == (lc & 0xff) * ones) {
            int l = (int)(lc & 0xff);
            int row = l << LABEL_BITS, dd = row | l;
#define ROW(g, v, o) ((v) == lc ? _mm256_set1_ps(g[dd]) : _mm256_setr_ps(g[row | lp[0 + (o)]], g[row | lp[1 + (o)]], \
    g[row | lp[2 + (o)]], g[row | lp[3 + (o)]], g[row | lp[4 + (o)]], g[row | lp[5 + (o)]], g[row | lp[6 + (o)]], \
    g[row | lp[7 + (o)]]))
            gxm = ROW(tb->gx, lxm, -1); gxp = ROW(tb->gx, lxp, 1);
            gym = ROW(tb->gy, lym, -sy); gyp = ROW(tb->gy, lyp, sy);
            gzm = ROW(tb->gz, lzm, -sz); gzp = ROW(tb->gz, lzp, sz);
#undef ROW
            pf = _mm256_set1_ps(tb->perfusion[l]);
            ss = _mm256_set1_ps(tb->source_scale[l]);
        } else if (shortcut && shortcut != 3 && diff == 0) {
            int l = (int)(lc & 0xff);
            int dd = (l << LABEL_BITS) | l;
            gxm = gxp = _mm256_set1_ps(tb->gx[dd]);
            gym = gyp = _mm256_set1_ps(tb->gy[dd]);
            gzm = gzp = _mm256_set1_ps(tb->gz[dd]);
            pf = _mm256_set1_ps(tb->perfusion[l]);
            ss = _mm256_set1_ps(tb->source_scale[l]);
        } else if (shortcut >= 2) {
#define PAIRS(g, o) _mm256_setr_ps(g[lp[0] << LABEL_BITS | lp[0 + (o)]], g[lp[1] << LABEL_BITS | lp[1 + (o)]], \
    g[lp[2] << LABEL_BITS | lp[2 + (o)]], g[lp[3] << LABEL_BITS | lp[3 + (o)]], g[lp[4] << LABEL_BITS | lp[4 + (o)]], \
    g[lp[5] << LABEL_BITS | lp[5 + (o)]], g[lp[6] << LABEL_BITS | lp[6 + (o)]], g[lp[7] << LABEL_BITS | lp[7 + (o)]])
#define LABELS(g) _mm256_setr_ps(g[lp[0]], g[lp[1]], g[lp[2]], g[lp[3]], g[lp[4]], g[lp[5]], g[lp[6]], g[lp[7]])
            gxm = PAIRS(tb->gx, -1); gxp = PAIRS(tb->gx, 1);
            gym = PAIRS(tb->gy, -sy); gyp = PAIRS(tb->gy, sy);
            gzm = PAIRS(tb->gz, -sz); gzp = PAIRS(tb->gz, sz);
            pf = LABELS(tb->perfusion); ss = LABELS(tb->source_scale);
#undef PAIRS
#undef LABELS
        } else {
            __m256i c = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)lc));
            __m256i row = _mm256_slli_epi32(c, LABEL_BITS);
#define IDX(v) _mm256_or_si256(row, _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)(v))))
            gxm = _mm256_i32gather_ps(tb->gx, IDX(lxm), 4);
            gxp = _mm256_i32gather_ps(tb->gx, IDX(lxp), 4);
            gym = _mm256_i32gather_ps(tb->gy, IDX(lym), 4);
            gyp = _mm256_i32gather_ps(tb->gy, IDX(lyp), 4);
            gzm = _mm256_i32gather_ps(tb->gz, IDX(lzm), 4);
            gzp = _mm256_i32gather_ps(tb->gz, IDX(lzp), 4);
#undef IDX
            pf = _mm256_i32gather_ps(tb->perfusion, c, 4);
            ss = _mm256_i32gather_ps(tb->source_scale, c, 4);
        }
        const float *tp = t + i;
        __m256 t0 = _mm256_loadu_ps(tp);
        __m256 d = _mm256_setzero_ps();
        d = _mm256_add_ps(d, _mm256_mul_ps(gxm, _mm256_sub_ps(_mm256_loadu_ps(tp - 1), t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(gxp, _mm256_sub_ps(_mm256_loadu_ps(tp + 1), t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(gym, _mm256_sub_ps(_mm256_loadu_ps(tp - sy), t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(gyp, _mm256_sub_ps(_mm256_loadu_ps(tp + sy), t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(gzm, _mm256_sub_ps(_mm256_loadu_ps(tp - sz), t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(gzp, _mm256_sub_ps(_mm256_loadu_ps(tp + sz), t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(pf, _mm256_sub_ps(ta, t0)));
        d = _mm256_add_ps(d, _mm256_mul_ps(ss, _mm256_loadu_ps(q + i)));
        _mm256_storeu_ps(tn + i, _mm256_add_ps(t0, d));
    }
#else
    (void)shortcut;
#endif
    scalar_row_f32(t + i, tn + i, lab + i, q + i, n - i, sy, sz, tb);
}

static void row_f64(const double *t, double *tn, const uint8_t *lab, const double *q, long n,
                    long sy, long sz, const cref_tables_f64 *tb, int shortcut) {
    long i = 0;
#if defined(__AVX2__)
    const __m256d ta = _mm256_set1_pd(tb->arterial);
    const uint32_t ones = 0x01010101U;
    for (; i + 4 <= n; i += 4) {
        const uint8_t *lp = lab + i;
        uint32_t lc = load32(lp);
        uint32_t lxm = load32(lp - 1), lxp = load32(lp + 1);
        uint32_t lym = load32(lp - sy), lyp = load32(lp + sy);
        uint32_t lzm = load32(lp - sz), lzp = load32(lp + sz);
        __m256d gxm, gxp, gym, gyp, gzm, gzp, pf, ss;
        uint32_t diff = (lc ^ ((lc & 0xff) * ones)) | (lxm ^ lc) | (lxp ^ lc) | (lym ^ lc) |
                        (lyp ^ lc) | (lzm ^ lc) | (lzp ^ lc);
        if (shortcut == 3 && lc == (lc & 0xff) * ones) {
            int l = (int)(lc & 0xff);
            int row = l << LABEL_BITS, dd = row | l;
#define ROW(g, v, o) ((v) == lc ? _mm256_set1_pd(g[dd]) : _mm256_setr_pd(g[row | lp[0 + (o)]], g[row | lp[1 + (o)]], \
    g[row | lp[2 + (o)]], g[row | lp[3 + (o)]]))
            gxm = ROW(tb->gx, lxm, -1); gxp = ROW(tb->gx, lxp, 1);
            gym = ROW(tb->gy, lym, -sy); gyp = ROW(tb->gy, lyp, sy);
            gzm = ROW(tb->gz, lzm, -sz); gzp = ROW(tb->gz, lzp, sz);
#undef ROW
            pf = _mm256_set1_pd(tb->perfusion[l]);
            ss = _mm256_set1_pd(tb->source_scale[l]);
        } else if (shortcut && shortcut != 3 && diff == 0) {
            int l = (int)(lc & 0xff);
            int dd = (l << LABEL_BITS) | l;
            gxm = gxp = _mm256_set1_pd(tb->gx[dd]);
            gym = gyp = _mm256_set1_pd(tb->gy[dd]);
            gzm = gzp = _mm256_set1_pd(tb->gz[dd]);
            pf = _mm256_set1_pd(tb->perfusion[l]);
            ss = _mm256_set1_pd(tb->source_scale[l]);
        } else if (shortcut >= 2) {
#define PAIRS(g, o) _mm256_setr_pd(g[lp[0] << LABEL_BITS | lp[0 + (o)]], g[lp[1] << LABEL_BITS | lp[1 + (o)]], \
    g[lp[2] << LABEL_BITS | lp[2 + (o)]], g[lp[3] << LABEL_BITS | lp[3 + (o)]])
#define LABELS(g) _mm256_setr_pd(g[lp[0]], g[lp[1]], g[lp[2]], g[lp[3]])
            gxm = PAIRS(tb->gx, -1); gxp = PAIRS(tb->gx, 1);
            gym = PAIRS(tb->gy, -sy); gyp = PAIRS(tb->gy, sy);
            gzm = PAIRS(tb->gz, -sz); gzp = PAIRS(tb->gz, sz);
            pf = LABELS(tb->perfusion); ss = LABELS(tb->source_scale);
#undef PAIRS
#undef LABELS
        } else {
            __m128i c = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)lc));
            __m128i row = _mm_slli_epi32(c, LABEL_BITS);
#define IDX(v) _mm_or_si128(row, _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)(v))))
            gxm = _mm256_i32gather_pd(tb->gx, IDX(lxm), 8);
            gxp = _mm256_i32gather_pd(tb->gx, IDX(lxp), 8);
            gym = _mm256_i32gather_pd(tb->gy, IDX(lym), 8);
            gyp = _mm256_i32gather_pd(tb->gy, IDX(lyp), 8);
            gzm = _mm256_i32gather_pd(tb->gz, IDX(lzm), 8);
            gzp = _mm256_i32gather_pd(tb->gz, IDX(lzp), 8);
#undef IDX
            pf = _mm256_i32gather_pd(tb->perfusion, c, 8);
            ss = _mm256_i32gather_pd(tb->source_scale, c, 8);
        }
        const double *tp = t + i;
        __m256d t0 = _mm256_loadu_pd(tp);
        __m256d d = _mm256_setzero_pd();
        d = _mm256_add_pd(d, _mm256_mul_pd(gxm, _mm256_sub_pd(_mm256_loadu_pd(tp - 1), t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(gxp, _mm256_sub_pd(_mm256_loadu_pd(tp + 1), t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(gym, _mm256_sub_pd(_mm256_loadu_pd(tp - sy), t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(gyp, _mm256_sub_pd(_mm256_loadu_pd(tp + sy), t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(gzm, _mm256_sub_pd(_mm256_loadu_pd(tp - sz), t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(gzp, _mm256_sub_pd(_mm256_loadu_pd(tp + sz), t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(pf, _mm256_sub_pd(ta, t0)));
        d = _mm256_add_pd(d, _mm256_mul_pd(ss, _mm256_loadu_pd(q + i)));
        _mm256_storeu_pd(tn + i, _mm256_add_pd(t0, d));
    }
#else
    (void)shortcut;
#endif
    scalar_row_f64(t + i, tn + i, lab + i, q + i, n - i, sy, sz, tb);
}

int cref_uses_avx2(void) {
#if defined(__AVX2__)
    return 1;
#else
    return 0;
#endif
}

// ---------------------------------------------------------------------------------------
// Threading over z-slabs.

typedef struct {
    const void *t; void *t_new; const uint8_t *label; const void *q;
    long nx, ny, sy, sz, k0, k1;
    const void *tables; int dbl; int shortcut;
} slab_job;

static void *run_slab(void *arg) {
    const slab_job *j = (const slab_job *)arg;
    for (long k = j->k0; k < j->k1; k++) {
        for (long y = 0; y < j->ny; y++) {
            long o = (k + 1) * j->sz + (y + 1) * j->sy + 1;
            if (j->dbl) {
                row_f64((const double *)j->t + o, (double *)j->t_new + o, j->label + o,
                        (const double *)j->q + o, j->nx, j->sy, j->sz,
                        (const cref_tables_f64 *)j->tables, j->shortcut);
            } else {
                row_f32((const float *)j->t + o, (float *)j->t_new + o, j->label + o,
                        (const float *)j->q + o, j->nx, j->sy, j->sz,
                        (const cref_tables_f32 *)j->tables, j->shortcut);
            }
        }
    }
    return NULL;
}

#define MAX_THREADS 256

static void run_slabs(slab_job proto, long nz, int threads) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if (threads > nz) threads = (int)nz;
    slab_job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS];
    for (int s = 0; s < threads; s++) {
        jobs[s] = proto;
        jobs[s].k0 = nz * s / threads;
        jobs[s].k1 = nz * (s + 1) / threads;
    }
    // The calling thread works on slab 0; the others on their own threads.
    for (int s = 1; s < threads; s++) started[s] = pthread_create(&tid[s], NULL, run_slab, &jobs[s]) == 0;
    run_slab(&jobs[0]);
    for (int s = 1; s < threads; s++) {
        if (started[s]) pthread_join(tid[s], NULL);
        else run_slab(&jobs[s]);
    }
}

void cref_pennes_step_f32(const float *t, float *t_new, const uint8_t *label, const float *q,
                          long nx, long ny, long nz, long stride_y, long stride_z,
                          const cref_tables_f32 *tables, int threads, int variant) {
    slab_job p = { t, t_new, label, q, nx, ny, stride_y, stride_z, 0, 0, tables, 0, variant };
    run_slabs(p, nz, threads);
}

void cref_pennes_step_f64(const double *t, double *t_new, const uint8_t *label, const double *q,
                          long nx, long ny, long nz, long stride_y, long stride_z,
                          const cref_tables_f64 *tables, int threads, int variant) {
    slab_job p = { t, t_new, label, q, nx, ny, stride_y, stride_z, 0, 0, tables, 1, variant };
    run_slabs(p, nz, threads);
}

// ---------------------------------------------------------------------------------------
// STREAM triad.

typedef struct { double *a; const double *b, *c; double s; long lo, hi; int init; } triad_job;

static void *run_triad(void *arg) {
    const triad_job *j = (const triad_job *)arg;
    double *restrict a = j->a;
    const double *restrict b = j->b, *restrict c = j->c;
    if (j->init) {
        for (long i = j->lo; i < j->hi; i++) { a[i] = 0.0; ((double *)b)[i] = 1.0; ((double *)c)[i] = 2.0; }
    } else {
        const double s = j->s;
        for (long i = j->lo; i < j->hi; i++) a[i] = b[i] + s * c[i];
    }
    return NULL;
}

static void triad_pass(double *a, double *b, double *c, long n, int threads, int init) {
    triad_job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS];
    for (int s = 0; s < threads; s++) {
        triad_job j = { a, b, c, 3.0, n * s / threads, n * (s + 1) / threads, init };
        jobs[s] = j;
    }
    for (int s = 1; s < threads; s++) started[s] = pthread_create(&tid[s], NULL, run_triad, &jobs[s]) == 0;
    run_triad(&jobs[0]);
    for (int s = 1; s < threads; s++) {
        if (started[s]) pthread_join(tid[s], NULL);
        else run_triad(&jobs[s]);
    }
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cref_stream_triad(long n, int threads, int reps) {
    if (threads < 1) threads = 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    double *a = NULL, *b = NULL, *c = NULL;
    size_t bytes = (size_t)n * sizeof(double);
    if (posix_memalign((void **)&a, 64, bytes) || posix_memalign((void **)&b, 64, bytes) ||
        posix_memalign((void **)&c, 64, bytes)) {
        free(a); free(b); free(c);
        return -1.0;
    }
    triad_pass(a, b, c, n, threads, 1);
    double best = 1e30;
    for (int r = 0; r < reps + 1; r++) {
        double t0 = now_seconds();
        triad_pass(a, b, c, n, threads, 0);
        double dt = now_seconds() - t0;
        if (r > 0 && dt < best) best = dt;  // the first pass is a warm-up
    }
    // Keep the result observable so the loop cannot be dropped.
    volatile double sink = a[n / 2];
    (void)sink;
    free(a); free(b); free(c);
    return 24.0 * (double)n / best / 1e9;
}
