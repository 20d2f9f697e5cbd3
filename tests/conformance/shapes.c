/*
 * shapes.c - the shape-inference conformance run.
 *
 * For every model.onnx under the given folders (ONNX's backend test suite):
 * load, infer with the declared output types forgotten, and compare the
 * inferred type of each graph output with the declared one.  A model is a
 * match (every output exact), partial (compatible, some dims unknown),
 * contradiction (an element type, rank or dim that differs), or unknown
 * (nothing inferred).  Error findings on these valid models are false
 * alarms and are counted too.
 *
 * Usage: shape_conformance [-v] [--filter TEXT] [--min-match N] DIR...
 * Exit 1 on any contradiction, any false error finding, a load failure, or
 * fewer than N matches.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"
#include "ir/ir.h"
#include "suite.h"

enum verdict { MATCH, PARTIAL, UNKNOWN, CONTRADICTION };
static const char *verdict_names[] = {"match", "partial", "unknown", "contradiction"};

typedef struct findings {
    int errors;
    char first[1200];
} findings;

static void on_diagnostic(void *ctx, const onnxlint_diagnostic *d)
{
    findings *f = ctx;
    if (d->severity != ONNXLINT_ERROR)
        return;
    if (f->errors++ == 0)
        snprintf(f->first, sizeof f->first, "%s[%s] %s: %s", "error", d->code, d->node ? d->node : "-", d->message);
}

static enum verdict compare(ol_exprs *exprs, const ol_type *want, const ol_type *got)
{
    if (got->kind == OL_TYPE_NONE)
        return UNKNOWN;
    if (want->kind != got->kind)
        return CONTRADICTION;
    if (want->kind == OL_TYPE_SEQUENCE || want->kind == OL_TYPE_OPTIONAL) {
        if (!want->elem)
            return MATCH;
        if (!got->elem)
            return PARTIAL;
        enum verdict v = compare(exprs, want->elem, got->elem);
        return v == UNKNOWN ? PARTIAL : v;
    }
    if (want->kind != OL_TYPE_TENSOR && want->kind != OL_TYPE_SPARSE_TENSOR) {
        char a[256], b[256];
        return strcmp(ol_type_text(want, a, sizeof a), ol_type_text(got, b, sizeof b)) == 0 ? MATCH : PARTIAL;
    }
    if (want->elem_type && got->elem_type && want->elem_type != got->elem_type)
        return CONTRADICTION;
    if (!got->elem_type && got->shape.rank < 0)
        return UNKNOWN;
    if (want->shape.rank >= 0 && got->shape.rank >= 0 && want->shape.rank != got->shape.rank)
        return CONTRADICTION;
    bool exact = got->elem_type == want->elem_type && (want->shape.rank < 0 || got->shape.rank == want->shape.rank);
    for (int i = 0; exact && want->shape.rank >= 0 && i < want->shape.rank; i++) {
        ol_dim w = want->shape.dims[i], g = got->shape.dims[i];
        if (w.kind == OL_DIM_UNKNOWN)
            continue;
        if (g.kind == OL_DIM_UNKNOWN || (w.kind == OL_DIM_SYMBOL && !ol_dim_equal(exprs, w, g)))
            exact = false;
    }
    for (int i = 0; want->shape.rank >= 0 && got->shape.rank == want->shape.rank && i < want->shape.rank; i++) {
        ol_dim w = want->shape.dims[i], g = got->shape.dims[i];
        if (w.kind == OL_DIM_VALUE && g.kind == OL_DIM_VALUE && w.value != g.value)
            return CONTRADICTION;
    }
    return exact ? MATCH : PARTIAL;
}

typedef struct run {
    bool verbose;
    const char *filter;
    int counts[4];
    int models, failed_loads, false_alarms;
} run;

static void check_model(run *r, const char *path)
{
    findings f = {0};
    onnxlint_load_options o = {.on_diagnostic = on_diagnostic, .diagnostic_ctx = &f};
    onnxlint_model *m = NULL;
    onnxlint_error err;
    r->models++;
    if (onnxlint_model_load(path, &o, &m, &err) != ONNXLINT_OK) {
        r->failed_loads++;
        printf("LOAD  %s: %s\n", path, err.message);
        return;
    }
    ol_infer_options io = {.forget_output_types = true};
    ol_infer_model(m, &io, NULL);
    enum verdict worst = MATCH;
    int n_match = 0, n_unknown = 0, n_outputs = 0;
    char detail[2048] = "";
    size_t used = 0;
    for (size_t i = 0; i < m->graph->n_outputs; i++) {
        const ol_value *v = m->graph->outputs[i];
        if (v->type->kind == OL_TYPE_NONE)
            continue;
        n_outputs++;
        enum verdict vd = compare(&m->exprs, v->type, &v->inferred);
        n_match += vd == MATCH;
        n_unknown += vd == UNKNOWN;
        if (vd == CONTRADICTION)
            worst = CONTRADICTION;
        if (vd != MATCH && used < sizeof detail - 200) {
            char a[256], b[256];
            used += (size_t)snprintf(detail + used, sizeof detail - used, " [%s: want %s got %s]", v->name,
                                     ol_type_text(v->type, a, sizeof a), ol_type_text(&v->inferred, b, sizeof b));
        }
    }
    if (worst != CONTRADICTION)
        worst = n_match == n_outputs ? MATCH : n_unknown == n_outputs ? UNKNOWN : PARTIAL;
    r->counts[worst]++;
    if (f.errors)
        r->false_alarms++;
    if (worst == CONTRADICTION || (r->verbose && worst != MATCH))
        printf("%-13s %s%s\n", verdict_names[worst], path, detail);
    if (f.errors && (r->verbose || worst != CONTRADICTION))
        printf("FINDING %s: %s\n", path, f.first);
    onnxlint_model_free(m);
}



int main(int argc, char **argv)
{
    run r = {0};
    int min_match = 0;
    suite_list l = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            r.verbose = true;
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            r.filter = argv[++i];
        else if (strcmp(argv[i], "--min-match") == 0 && i + 1 < argc)
            min_match = atoi(argv[++i]);
        else
            suite_collect(&l, argv[i], false);
    }
    suite_select(&l, r.filter);
    for (size_t i = 0; i < l.n; i++)
        check_model(&r, l.paths[i]);
    suite_free(&l);
    printf("shape conformance: %d models: %d match, %d partial, %d contradiction, %d unknown; "
           "%d with false error findings, %d failed to load\n",
           r.models, r.counts[MATCH], r.counts[PARTIAL], r.counts[CONTRADICTION], r.counts[UNKNOWN], r.false_alarms,
           r.failed_loads);
    bool ok = r.counts[CONTRADICTION] == 0 && r.false_alarms == 0 && r.failed_loads == 0 && r.counts[MATCH] >= min_match;
    if (r.counts[MATCH] < min_match)
        printf("FAIL: %d full matches, below the threshold %d\n", r.counts[MATCH], min_match);
    return ok ? 0 : 1;
}
