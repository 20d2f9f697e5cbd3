/*
 * symbolic.c - the symbolic shape property run over ONNX's backend suite.
 *
 * A symbolic dim must hold for every value of its symbols.  For every
 * model.onnx under the given folders: load it twice; in the second copy
 * replace every dim of every graph input (other than 0) by a fresh symbol
 * whose value is the original dim; infer both (declared output types
 * forgotten); then every value the nodes of the main graph produce is
 * compared: a symbolic dim, evaluated at the original values, must equal
 * the dim concrete inference gives, and a graph output's dims must equal
 * the declared ones (which the suite's test data has).  The suite uses
 * every operator family, so this walks every family's inference with
 * symbols.  Unknown dims are allowed; a wrong one is a failure.
 *
 * Usage: symbolic_conformance [-v] [--filter TEXT] [--min-checked N] DIR...
 * Exit 1 on any wrong dim, a load failure, or fewer than N symbolic dims
 * checked.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"
#include "ir/ir.h"
#include "suite.h"

#define MAX_SYMBOLS 512

typedef struct bindings {
    char names[MAX_SYMBOLS][48];
    int64_t values[MAX_SYMBOLS];
    int n;
} bindings;

static bool value_of(void *ctx, const char *name, int64_t *out)
{
    const bindings *b = ctx;
    for (int i = 0; i < b->n; i++) {
        if (strcmp(b->names[i], name) == 0) {
            *out = b->values[i];
            return true;
        }
    }
    return false;
}

typedef struct run {
    bool verbose;
    const char *filter;
    long models, symbolized, checked, wrong, failed_loads;
} run;

/* Gives every nonzero dim of every graph input of m a symbol of its own. */
static void symbolize(onnxlint_model *m, bindings *b)
{
    for (size_t i = 0; i < m->graph->n_inputs; i++) {
        ol_value *v = m->graph->inputs[i];
        if ((v->flags & OL_VALUE_INITIALIZER) || v->type->kind != OL_TYPE_TENSOR || v->type->shape.rank <= 0)
            continue;
        ol_dim *dims = ol_arena_calloc(&m->arena, (size_t)v->type->shape.rank, sizeof *dims);
        if (!dims)
            return;
        for (int k = 0; k < v->type->shape.rank; k++) {
            ol_dim d = v->type->shape.dims[k];
            dims[k] = d;
            if (d.kind != OL_DIM_VALUE || d.value <= 0 || b->n == MAX_SYMBOLS)
                continue;
            snprintf(b->names[b->n], sizeof b->names[b->n], "s%zu_%d", i, k);
            b->values[b->n] = d.value;
            dims[k] = ol_dim_named(&m->exprs, b->names[b->n]);
            b->n++;
        }
        ol_type *t = ol_arena_alloc(&m->arena, sizeof *t);
        if (!t)
            return;
        *t = *v->type;
        t->shape.dims = dims;
        v->type = t;
    }
}

/* Compares the symbolic type got (evaluated through b) with want. */
static void compare(run *r, const char *path, const char *what, onnxlint_model *sm, const bindings *b,
                    const ol_type *want, const ol_type *got)
{
    if (want->kind != OL_TYPE_TENSOR || got->kind != OL_TYPE_TENSOR || want->shape.rank < 0 || got->shape.rank < 0)
        return;
    if (want->shape.rank != got->shape.rank) {
        r->wrong++;
        printf("WRONG %s: %s: rank %d symbolically, %d concretely\n", path, what, got->shape.rank, want->shape.rank);
        return;
    }
    for (int k = 0; k < got->shape.rank; k++) {
        ol_dim w = want->shape.dims[k];
        int64_t v;
        if (w.kind != OL_DIM_VALUE || !ol_dim_eval(&sm->exprs, got->shape.dims[k], value_of, (void *)b, &v))
            continue;
        r->checked++;
        if (v != w.value) {
            char text[256];
            r->wrong++;
            printf("WRONG %s: %s dim %d is %s symbolically, %lld at the suite's values, but %lld concretely\n", path,
                   what, k, ol_dim_text(ol_dim_resolve(&sm->exprs, got->shape.dims[k]), text, sizeof text),
                   (long long)v, (long long)w.value);
        }
    }
}

static void check_model(run *r, const char *path)
{
    onnxlint_model *cm = NULL, *sm = NULL;
    onnxlint_error err;
    r->models++;
    if (onnxlint_model_load(path, NULL, &cm, &err) != ONNXLINT_OK ||
        onnxlint_model_load(path, NULL, &sm, &err) != ONNXLINT_OK) {
        r->failed_loads++;
        printf("LOAD  %s: %s\n", path, err.message);
        onnxlint_model_free(cm);
        return;
    }
    static bindings b;
    b.n = 0;
    symbolize(sm, &b);
    if (b.n) {
        r->symbolized++;
        ol_infer_options io = {.forget_output_types = true};
        ol_infer_model(cm, &io, NULL);
        ol_infer_model(sm, &io, NULL);
        long wrong = r->wrong;
        for (size_t i = 0; i < cm->graph->n_nodes && i < sm->graph->n_nodes; i++) {
            const ol_node *cn = cm->graph->nodes[i], *sn = sm->graph->nodes[i];
            for (size_t o = 0; o < cn->n_outputs && o < sn->n_outputs; o++) {
                if (!cn->outputs[o] || !sn->outputs[o])
                    continue;
                char what[300];
                snprintf(what, sizeof what, "%s output %zu ('%.200s')", cn->op_type, o, cn->outputs[o]->name);
                compare(r, path, what, sm, &b, &cn->outputs[o]->inferred, &sn->outputs[o]->inferred);
            }
        }
        for (size_t i = 0; i < cm->graph->n_outputs && i < sm->graph->n_outputs; i++) {
            char what[300];
            snprintf(what, sizeof what, "graph output '%.200s' (declared)", cm->graph->outputs[i]->name);
            compare(r, path, what, sm, &b, cm->graph->outputs[i]->type, &sm->graph->outputs[i]->inferred);
        }
        if (r->verbose && r->wrong == wrong)
            printf("ok    %s (%d symbols)\n", path, b.n);
    }
    onnxlint_model_free(cm);
    onnxlint_model_free(sm);
}



int main(int argc, char **argv)
{
    run r = {0};
    long min_checked = 0;
    suite_list l = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            r.verbose = true;
        else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc)
            r.filter = argv[++i];
        else if (strcmp(argv[i], "--min-checked") == 0 && i + 1 < argc)
            min_checked = atol(argv[++i]);
        else
            suite_collect(&l, argv[i], false);
    }
    suite_select(&l, r.filter);
    for (size_t i = 0; i < l.n; i++)
        check_model(&r, l.paths[i]);
    suite_free(&l);
    printf("symbolic shapes: %ld models (%ld with symbols): %ld symbolic dims checked at the suite's values, %ld wrong; "
           "%ld failed to load\n",
           r.models, r.symbolized, r.checked, r.wrong, r.failed_loads);
    if (r.checked < min_checked)
        printf("FAIL: %ld symbolic dims checked, below the threshold %ld\n", r.checked, min_checked);
    return r.wrong == 0 && r.failed_loads == 0 && r.checked >= min_checked ? 0 : 1;
}
