/* What bounds sepgen's tuned depthwise 3x3 kernels on AVX-512 CPUs: the loads, not the FMAs.
 *
 * The tuned inner loop TVM emits for a 3x3 depthwise layer (8 output rows x one 16-lane vector,
 * the taps unrolled, the 9 weights in registers) does 72 FMAs and 30 input loads per iteration.
 * Two thirds of those loads start 1 or 2 floats past a vector boundary, and with padded rows of
 * W+2 floats nearly all of them straddle two cache lines.  This program runs that loop, one core,
 * hot in L1, three ways:
 *   unaligned   the loads as TVM emits them (shifted by 1 and 2 floats): today's kernels
 *   aligned     the same loop with every load aligned (a wrong convolution: the cost of the loads only)
 *   valignd     two aligned loads per input row, the shifted vectors made in registers with valignd
 *               (the same convolution as "unaligned"; checked below)
 * Build and run: scripts/dw_loads_microbench.sh
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#define W 112          /* output row width (MobileNet's 112x112 and 56x56 layers are whole vectors) */
#define S 128          /* padded input row stride, a multiple of 16 floats */
#define ROWS 8         /* output rows per register tile */
#define TILES 4        /* independent tiles per call (so stores and loads of calls overlap) */

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

#define TAPS(a0, a1, a2, ir) \
    for (int k = 0; k < 3; k++) { int r = (ir) - k; if (r < 0 || r >= ROWS) continue; \
        acc[r] = _mm512_fmadd_ps(a0, wk[k * 3], acc[r]); \
        acc[r] = _mm512_fmadd_ps(a1, wk[k * 3 + 1], acc[r]); \
        acc[r] = _mm512_fmadd_ps(a2, wk[k * 3 + 2], acc[r]); }

__attribute__((noinline)) static void dw_shifted(const float *in, const float *w, float *out, int s1, int s2) {
    __m512 wk[9];
    for (int i = 0; i < 9; i++) wk[i] = _mm512_set1_ps(w[i]);
    for (int x = 0; x < W; x += 16) {
        __m512 acc[ROWS];
        for (int r = 0; r < ROWS; r++) acc[r] = _mm512_setzero_ps();
        for (int ir = 0; ir < ROWS + 2; ir++) {
            const float *p = in + ir * S + x;
            __m512 a0 = _mm512_loadu_ps(p), a1 = _mm512_loadu_ps(p + s1), a2 = _mm512_loadu_ps(p + s2);
            TAPS(a0, a1, a2, ir)
        }
        for (int r = 0; r < ROWS; r++) _mm512_storeu_ps(out + r * W + x, acc[r]);
    }
}

__attribute__((noinline)) static void dw_valignd(const float *in, const float *w, float *out) {
    __m512 wk[9];
    for (int i = 0; i < 9; i++) wk[i] = _mm512_set1_ps(w[i]);
    for (int x = 0; x < W; x += 16) {
        __m512 acc[ROWS];
        for (int r = 0; r < ROWS; r++) acc[r] = _mm512_setzero_ps();
        for (int ir = 0; ir < ROWS + 2; ir++) {
            const float *p = in + ir * S + x;
            __m512i lo = _mm512_castps_si512(_mm512_load_ps(p)), hi = _mm512_castps_si512(_mm512_load_ps(p + 16));
            __m512 a0 = _mm512_castsi512_ps(lo);
            __m512 a1 = _mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 1));
            __m512 a2 = _mm512_castsi512_ps(_mm512_alignr_epi32(hi, lo, 2));
            TAPS(a0, a1, a2, ir)
        }
        for (int r = 0; r < ROWS; r++) _mm512_storeu_ps(out + r * W + x, acc[r]);
    }
}

static double run(int mode, const float *in, const float *w, float *out, int iters) {
    double best = 1e30;
    for (int rep = 0; rep < 15; rep++) {
        double t = now();
        for (int it = 0; it < iters; it++)
            for (int c = 0; c < TILES; c++) {
                const float *src = in + c * (ROWS + 2) * S;
                float *dst = out + c * ROWS * W;
                if (mode == 0) dw_shifted(src, w, dst, 1, 2);
                else if (mode == 1) dw_shifted(src, w, dst, 16, 32);
                else dw_valignd(src, w, dst);
            }
        t = now() - t;
        if (t < best) best = t;
    }
    return 2.0 * 9 * W * ROWS * TILES * (double)iters / best / 1e9;
}

int main(void) {
    size_t n_in = (size_t)TILES * (ROWS + 2) * S + 64, n_out = (size_t)TILES * ROWS * W;
    float *in = aligned_alloc(64, n_in * 4), *ref = aligned_alloc(64, n_out * 4), *out = aligned_alloc(64, n_out * 4);
    float w[9];
    for (size_t i = 0; i < n_in; i++) in[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (int i = 0; i < 9; i++) w[i] = 0.1f * (i + 1);
    for (int c = 0; c < TILES; c++) dw_shifted(in + c * (ROWS + 2) * S, w, ref + c * ROWS * W, 1, 2);
    for (int c = 0; c < TILES; c++) dw_valignd(in + c * (ROWS + 2) * S, w, out + c * ROWS * W);
    double err = 0;
    for (size_t i = 0; i < n_out; i++) err = fmax(err, fabs(out[i] - ref[i]));
    if (err > 1e-6) { printf("valignd kernel differs from the unaligned one: %g\n", err); return 1; }
    const char *names[3] = {"unaligned (today's TVM code)", "aligned (load cost only)", "valignd (proposed codegen)"};
    for (int m = 0; m < 3; m++) printf("%-30s %6.1f GFLOPS on one core\n", names[m], run(m, in, w, out, 3000));
    printf("(valignd and unaligned agree to %.1g)\n", err);
    return 0;
}
