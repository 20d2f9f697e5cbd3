/*
 * blas.c - OpenBLAS loaded on first use, plain loops when it is missing.
 */
#include "eval/blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#ifndef OL_OPENBLAS_SONAME
#define OL_OPENBLAS_SONAME "libopenblas.so.0"
#endif

typedef void (*sgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, int, int, int, float,
                         const float *, int, const float *, int, float, float *, int);
typedef void (*dgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE, int, int, int, double,
                         const double *, int, const double *, int, double, double *, int);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn blas_sgemm;
static dgemm_fn blas_dgemm;
static corename_fn blas_corename;
static bool use_loops;

static void load(void)
{
    void *lib = dlopen(OL_OPENBLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return;
    /* dlsym returns an object pointer; POSIX guarantees it converts to a
     * function pointer. */
    sgemm_fn s;
    dgemm_fn d;
    corename_fn c;
    *(void **)&s = dlsym(lib, "cblas_sgemm");
    *(void **)&d = dlsym(lib, "cblas_dgemm");
    *(void **)&c = dlsym(lib, "openblas_get_corename");
    if (!s || !d) {
        dlclose(lib);
        return;
    }
    blas_sgemm = s;
    blas_dgemm = d;
    blas_corename = c;
}

const char *ol_blas_corename(void)
{
    pthread_once(&once, load);
    return blas_sgemm ? (blas_corename ? blas_corename() : "OpenBLAS") : NULL;
}

void ol_blas_use_loops(bool loops)
{
    use_loops = loops;
}

/* Element (i, j) of an operand as CBLAS addresses it. */
static size_t at(enum CBLAS_ORDER order, bool trans, int i, int j, int ld)
{
    bool row = (order == CblasRowMajor) != trans;
    return row ? (size_t)i * (size_t)ld + (size_t)j : (size_t)j * (size_t)ld + (size_t)i;
}

/* c = alpha * op(a) * op(b) + beta * c in the element type T, summed in
 * double; beta 0 ignores what c held (NaN included), as BLAS does. */
#define PLAIN_GEMM(T, order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)                                    \
    for (int i_ = 0; i_ < (m); i_++) {                                                                               \
        for (int j_ = 0; j_ < (n); j_++) {                                                                           \
            double sum_ = 0;                                                                                         \
            for (int p_ = 0; p_ < (k); p_++)                                                                         \
                sum_ += (double)(a)[at(order, (ta) != CblasNoTrans, i_, p_, lda)] *                                  \
                        (double)(b)[at(order, (tb) != CblasNoTrans, p_, j_, ldb)];                                   \
            T *cij_ = &(c)[at(order, false, i_, j_, ldc)];                                                           \
            *cij_ = (T)((double)(alpha) * sum_ + ((beta) == 0 ? 0.0 : (double)(beta) * (double)*cij_));            \
        }                                                                                                            \
    }

void ol_cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k,
                    float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    pthread_once(&once, load);
    if (blas_sgemm && !use_loops) {
        blas_sgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    PLAIN_GEMM(float, order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

void ol_cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int m, int n, int k,
                    double alpha, const double *a, int lda, const double *b, int ldb, double beta, double *c,
                    int ldc)
{
    pthread_once(&once, load);
    if (blas_dgemm && !use_loops) {
        blas_dgemm(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    PLAIN_GEMM(double, order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
