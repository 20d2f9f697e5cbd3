/*
 * blas.h - the matrix products of the kernels (MatMul, Gemm, Conv, RNNs).
 *
 * OpenBLAS is loaded on the first product, not when the program starts:
 * loading it costs about 2.5 MB of resident memory and its start-up,
 * which the commands that never run a model (inspect, shapes, a check
 * without confirmation) should not pay.  It reads OPENBLAS_CORETYPE and
 * OPENBLAS_NUM_THREADS as it loads: whoever wants to choose them (the CLI
 * does) sets them before the first product.  When it cannot be loaded the
 * products are computed by plain loops: the same results to rounding,
 * slower.
 *
 * Invariants: the signatures and semantics are CBLAS's (row- or
 * column-major, transposes, leading dimensions, alpha and beta); loading
 * happens once, under pthread_once, so products may run on any thread.
 */
#ifndef OL_BLAS_H
#define OL_BLAS_H

#include <cblas.h>
#include <stdbool.h>

void ol_cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k,
                    float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
void ol_cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k,
                    double alpha, const double *a, int lda, const double *b, int ldb, double beta, double *c,
                    int ldc);

/* The kernels OpenBLAS chose ("SkylakeX", "Prescott"...), loading it if it
 * is not loaded yet; NULL when it could not be loaded (the plain loops are
 * in use). */
const char *ol_blas_corename(void);

/* For tests: products by the plain loops even when OpenBLAS is there. */
void ol_blas_use_loops(bool loops);

#endif
