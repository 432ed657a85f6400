// C reference kernels the `bench` executable compares the Swift solver against.
//
// cref_pennes_step_*: one explicit Pennes step over the whole grid, the same update as
// AblasimKernels.pennesRowScalar (label-indexed pair tables, difference form, same order
// of summation, no FMA contraction), so its output equals the Swift kernel's bit for bit.
// Vectorized with AVX2 gathers when compiled for AVX2, threaded over z-slabs with pthreads
// (slab s of S covers planes nz*s/S ..< nz*(s+1)/S, like SlabExecutor).
//
// cref_stream_triad: STREAM triad a[i] = b[i] + s c[i] (McCalpin), counted as 24 bytes
// per iteration (no write-allocate), best of `reps` repetitions.
#ifndef CREF_H
#define CREF_H
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Pair tables g*[a << 6 | b] (64 x 64), per-label perfusion and source scale (64).
typedef struct {
    const float *gx, *gy, *gz, *perfusion, *source_scale;
    float arterial;
} cref_tables_f32;

typedef struct {
    const double *gx, *gy, *gz, *perfusion, *source_scale;
    double arterial;
} cref_tables_f64;

/// Fields are the padded storage (one-voxel halo, x fastest): interior voxel (i, j, k) at
/// (k+1) stride_z + (j+1) stride_y + (i+1). `variant` picks how the coefficients reach
/// the vector lanes (the result is identical for every variant):
///   0: AVX2 gathers (vgatherdps / vgatherdpd) for every block;
///   1: blocks whose labels and neighbour labels are all one tissue broadcast the table
///      diagonal, other blocks use AVX2 gathers;
///   2: the same broadcast, other blocks build vectors from scalar loads (no gather
///      instruction; faster where hardware gathers are slow);
///   3: blocks of one tissue broadcast the per-label terms and every face whose 8
///      neighbours are that tissue, and read one table row per lane for the other faces;
///      mixed blocks as in 2 (the Swift kernel's scheme).
void cref_pennes_step_f32(const float *t, float *t_new, const uint8_t *label, const float *q,
                          long nx, long ny, long nz, long stride_y, long stride_z,
                          const cref_tables_f32 *tables, int threads, int variant);

void cref_pennes_step_f64(const double *t, double *t_new, const uint8_t *label, const double *q,
                          long nx, long ny, long nz, long stride_y, long stride_z,
                          const cref_tables_f64 *tables, int threads, int variant);

/// 1 when the kernels were compiled with AVX2 gathers, 0 for the portable scalar build.
int cref_uses_avx2(void);

/// STREAM triad bandwidth [GB/s] over arrays of n doubles with `threads` threads.
/// Returns a negative value when the arrays cannot be allocated.
double cref_stream_triad(long n, int threads, int reps);

#ifdef __cplusplus
}
#endif
#endif
