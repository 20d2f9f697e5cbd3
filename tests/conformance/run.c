/*
 * run.c - the numeric conformance run: every backend-suite model whose
 * operators all have kernels is run on each of its test_data_set_*, and its
 * outputs are compared with the expected ones (floats: rtol 1e-3, atol
 * 1e-5, NaN equal to NaN; integers, bools and strings exact; sequences and
 * optionals element by element).
 *
 * Usage: run_conformance [-v] [--filter TEXT] [--min-pass N] DIR...
 * Exit 1 on any wrong answer of a supported model, a crash-free failure of
 * a kernel on valid data, or fewer than N passing models.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "eval/testdata.h"
#include "infer/infer.h"
#include "suite.h"

#define RTOL 1e-3
#define ATOL 1e-5

static bool close_enough(double want, double got)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got))
        return want == got;
    return fabs(want - got) <= ATOL + RTOL * fabs(want);
}

/* Compares two values; writes the first difference into why. */
static bool same_value(const ol_rvalue *want, const ol_rvalue *got, char *why, size_t len, int depth)
{
    if (!got) {
        snprintf(why, len, "no value");
        return false;
    }
    if (depth > 16)
        return true;
    if (want->kind == OL_RV_SEQUENCE || want->kind == OL_RV_OPTIONAL) {
        if (got->kind != want->kind) {
            snprintf(why, len, "kind %d vs %d", got->kind, want->kind);
            return false;
        }
        if (want->kind == OL_RV_OPTIONAL) {
            if (want->present != got->present) {
                snprintf(why, len, "optional %s vs %s", got->present ? "present" : "absent",
                         want->present ? "present" : "absent");
                return false;
            }
            if (!want->present)
                return true;
            if (want->tensor && got->tensor) {
                ol_rvalue a = {.kind = OL_RV_TENSOR, .tensor = want->tensor};
                ol_rvalue b = {.kind = OL_RV_TENSOR, .tensor = got->tensor};
                return same_value(&a, &b, why, len, depth + 1);
            }
        }
        if (want->n_items != got->n_items) {
            snprintf(why, len, "%zu items vs %zu", got->n_items, want->n_items);
            return false;
        }
        for (size_t i = 0; i < want->n_items; i++) {
            if (!same_value(want->items[i], got->items[i], why, len, depth + 1))
                return false;
        }
        return true;
    }
    const ol_array *w = want->tensor, *g = got->tensor;
    if (!g) {
        snprintf(why, len, "not a tensor");
        return false;
    }
    if (w->rank != g->rank || w->count != g->count) {
        snprintf(why, len, "shape: %zu elements of rank %d vs %zu of rank %d expected", g->count, g->rank, w->count,
                 w->rank);
        return false;
    }
    for (int i = 0; i < w->rank; i++) {
        if (w->dims[i] != g->dims[i]) {
            snprintf(why, len, "dim %d: %lld vs %lld expected", i, (long long)g->dims[i], (long long)w->dims[i]);
            return false;
        }
    }
    if (w->elem_type != g->elem_type) {
        snprintf(why, len, "element type %d vs %d expected", g->elem_type, w->elem_type);
        return false;
    }
    for (size_t i = 0; i < w->count; i++) {
        bool ok;
        if (w->elem_type == 8) {
            const ol_string *a = &((const ol_string *)w->data)[i], *b = &((const ol_string *)g->data)[i];
            ok = a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
        } else if (w->elem_type == 14 || w->elem_type == 15) {
            ok = true;
            for (int part = 0; part < 2; part++) {
                double x = w->elem_type == 14 ? ((const float *)w->data)[2 * i + part]
                                               : ((const double *)w->data)[2 * i + part];
                double y = w->elem_type == 14 ? ((const float *)g->data)[2 * i + part]
                                               : ((const double *)g->data)[2 * i + part];
                ok &= close_enough(x, y);
            }
        } else if (w->elem_type >= 17 && w->elem_type <= 20) { /* float8 kinds: their bytes */
            ok = ((const uint8_t *)w->data)[i] == ((const uint8_t *)g->data)[i];
        } else if (ol_elem_is_floating(w->elem_type)) {
            ok = close_enough(ol_array_get_f64(w, i), ol_array_get_f64(g, i));
        } else {
            ok = ol_array_get_i64(w, i) == ol_array_get_i64(g, i);
        }
        if (!ok) {
            if (w->elem_type == 8)
                snprintf(why, len, "element %zu differs", i);
            else
                snprintf(why, len, "element %zu: %g vs %g expected", i, ol_array_get_f64(g, i), ol_array_get_f64(w, i));
            return false;
        }
    }
    return true;
}

enum verdict { PASS, FAIL, UNSUPPORTED, BAD_DATA };

/* Test data known to be wrong in the ONNX release Debian ships: compared,
 * reported, but not counted as a failure. */
static const struct {
    const char *test;
    const char *why;
} bad_data[] = {
    {"/test_adam_multiple", "expected outputs computed with epsilon=0.01, which the model does not set "
                            "(ONNX issue 7749, fixed upstream)"},
};

static const char *known_bad(const char *dir)
{
    for (size_t i = 0; i < sizeof bad_data / sizeof *bad_data; i++) {
        size_t n = strlen(dir), m = strlen(bad_data[i].test);
        if (n >= m && strcmp(dir + n - m, bad_data[i].test) == 0)
            return bad_data[i].why;
    }
    return NULL;
}

typedef struct run {
    bool verbose;
    const char *filter;
    int counts[4];
    int models;
} run;

static int set_count(const char *dir, char names[][64], int max)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (strncmp(e->d_name, "test_data_set_", 14) == 0)
            snprintf(names[n++], 64, "%.63s", e->d_name);
    }
    closedir(d);
    return n;
}

static enum verdict check_model(run *r, const char *dir)
{
    char path[4096], why[1024] = "";
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    onnxlint_model *m = NULL;
    onnxlint_error err;
    if (onnxlint_model_load(path, NULL, &m, &err) != ONNXLINT_OK) {
        printf("LOAD  %s: %s\n", dir, err.message);
        return FAIL;
    }
    ol_infer_model(m, NULL, NULL);
    ol_eval e;
    ol_eval_init(&e, m, NULL);
    enum verdict verdict = PASS;
    if (!ol_eval_supported(&e, m->graph)) {
        verdict = UNSUPPORTED;
        if (r->verbose)
            printf("unsupported %s: %s\n", dir, e.error);
        goto done;
    }
    char sets[64][64];
    int n_sets = set_count(dir, sets, 64);
    const ol_graph *g = m->graph;
    for (int s = 0; s < n_sets && verdict == PASS; s++) {
        ol_rvalue *inputs[256] = {0}, *outputs[256] = {0};
        size_t n_in = 0;
        for (size_t i = 0; i < g->n_inputs && n_in < 256; i++) {
            if (g->inputs[i]->flags & OL_VALUE_INITIALIZER)
                continue;
            snprintf(path, sizeof path, "%.3900s/%.63s/input_%zu.pb", dir, sets[s], n_in);
            inputs[n_in] = ol_value_read_file(&e, path, g->inputs[i]->type, why, sizeof why);
            if (!inputs[n_in]) {
                printf("DATA  %s: %s\n", dir, why);
                verdict = FAIL;
                break;
            }
            n_in++;
        }
        if (verdict != PASS)
            break;
        size_t n_out = g->n_outputs < 256 ? g->n_outputs : 256;
        if (!ol_eval_run(&e, inputs, n_in, outputs, n_out)) {
            printf("FAIL  %s/%s: %s\n", dir, sets[s], e.error);
            verdict = FAIL;
            break;
        }
        for (size_t k = 0; k < n_out; k++) {
            snprintf(path, sizeof path, "%.3900s/%.63s/output_%zu.pb", dir, sets[s], k);
            ol_rvalue *want = ol_value_read_file(&e, path, g->outputs[k]->type, why, sizeof why);
            if (!want) {
                printf("DATA  %s: %s\n", dir, why);
                verdict = FAIL;
                break;
            }
            if (!same_value(want, outputs[k], why, sizeof why, 0)) {
                printf("WRONG %s/%s output %zu '%s': %s\n", dir, sets[s], k, g->outputs[k]->name, why);
                verdict = FAIL;
                break;
            }
        }
    }
done:
    ol_eval_destroy(&e);
    onnxlint_model_free(m);
    return verdict;
}



int main(int argc, char **argv)
{
    run r = {0};
    int min_pass = 0;
    suite_list l = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            r.verbose = true;
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            r.filter = argv[++i];
        else if (strcmp(argv[i], "--min-pass") == 0 && i + 1 < argc)
            min_pass = atoi(argv[++i]);
        else
            suite_collect(&l, argv[i], true);
    }
    suite_select(&l, r.filter);
    for (size_t i = 0; i < l.n; i++) {
        r.models++;
        enum verdict v = check_model(&r, l.paths[i]);
        const char *bad = v == FAIL ? known_bad(l.paths[i]) : NULL;
        if (bad) {
            printf("      (known-bad test data: %s)\n", bad);
            v = BAD_DATA;
        }
        r.counts[v]++;
        if (r.verbose && v == PASS)
            printf("pass  %s\n", l.paths[i]);
    }
    suite_free(&l);
    printf("numeric conformance: %d models: %d pass, %d fail, %d unsupported, %d known-bad test data\n", r.models,
           r.counts[PASS], r.counts[FAIL], r.counts[UNSUPPORTED], r.counts[BAD_DATA]);
    if (r.counts[PASS] < min_pass)
        printf("FAIL: %d passing models, below the threshold %d\n", r.counts[PASS], min_pass);
    return r.counts[FAIL] == 0 && r.counts[PASS] >= min_pass ? 0 : 1;
}
