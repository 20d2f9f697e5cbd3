/*
 * run.c - `onnxlint run`: a model on given inputs (the backend-test layout
 * input_K.pb, or NAME=FILE pairs), its outputs written as output_K.pb or
 * summarised as text.  A graph whose every node cannot run (an ONNX
 * Runtime training graph: its gradient half has no kernels) runs its
 * forward part; the outputs of the other part are reported as not computed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "eval/eval.h"
#include "eval/testdata.h"
#include "infer/infer.h"
#include "util/writer.h"
#include "util/text.h"

static onnxlint_status fail(onnxlint_error *err, onnxlint_status st, const char *fmt, const char *a, const char *b)
{
    if (err) {
        err->status = st;
        snprintf(err->message, sizeof err->message, fmt, a, b);
    }
    return st;
}

/* "float (4,5): min -1.2 max 3.4 mean 0.1, first [0.1, 0.2, ...]" */
/* Whether a node of the forward part reads graph input v. */
static bool forward_reads(const ol_eval *e, const ol_value *v)
{
    for (size_t i = 0; i < v->n_consumers; i++) {
        const ol_node *c = v->consumers[i];
        if (c->graph != e->model->graph || e->main_nodes[c->index])
            return true;
    }
    return false;
}

static void summarize(ol_sink *out, const ol_rvalue *v, int depth)
{
    if (!v) {
        ol_out_printf(out, "(none)\n");
        return;
    }
    if (v->kind != OL_RV_TENSOR || !v->tensor) {
        if (v->kind == OL_RV_OPTIONAL && !v->present) {
            ol_out_printf(out, "optional: absent\n");
            return;
        }
        ol_out_printf(out, "%s of %zu\n", v->kind == OL_RV_SEQUENCE ? "sequence" : "optional", v->n_items);
        for (size_t i = 0; i < v->n_items && i < 8 && depth < 4; i++) {
            ol_out_pad(out, (size_t)(depth + 2) * 2);
            ol_out_printf(out, "[%zu] ", i);
            summarize(out, v->items[i], depth + 1);
        }
        return;
    }
    const ol_array *a = v->tensor;
    const char *name = ol_elem_type_name(a->elem_type);
    ol_out_printf(out, "%s (", name ? name : "?");
    for (int i = 0; i < a->rank; i++)
        ol_out_printf(out, "%s%lld", i ? "," : "", (long long)a->dims[i]);
    ol_out_printf(out, ")");
    if (a->elem_type == 8) {
        ol_out_printf(out, " strings\n");
        return;
    }
    if (a->elem_type == 14 || a->elem_type == 15 || a->count == 0) {
        ol_out_printf(out, "\n");
        return;
    }
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    size_t nans = 0;
    for (size_t i = 0; i < a->count; i++) {
        double x = ol_array_get_f64(a, i);
        if (isnan(x)) {
            nans++;
            continue;
        }
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        sum += x;
    }
    ol_out_printf(out, ": min %.6g max %.6g mean %.6g", lo, hi, a->count > nans ? sum / (double)(a->count - nans) : NAN);
    if (nans)
        ol_out_printf(out, ", %zu NaN", nans);
    ol_out_printf(out, "; first [");
    for (size_t i = 0; i < a->count && i < 6; i++)
        ol_out_printf(out, "%s%.6g", i ? ", " : "", ol_array_get_f64(a, i));
    ol_out_printf(out, "%s]\n", a->count > 6 ? ", ..." : "");
}

/* Whether a tensor read for graph input v has the element type, rank and
 * concrete dims v declares (ONNX Runtime refuses any other; symbolic dims
 * take any size).  False with the reason in why. */
static bool input_fits(const ol_value *v, const ol_rvalue *r, char *why, size_t why_len)
{
    const ol_type *t = v->type;
    if (t->kind != OL_TYPE_TENSOR || !r || r->kind != OL_RV_TENSOR || !r->tensor)
        return true;
    const ol_array *a = r->tensor;
    char shown[256], want[512];
    ol_escape(shown, sizeof shown, v->name, strlen(v->name), false);
    ol_type_text(t, want, sizeof want);
    if (t->elem_type && a->elem_type != t->elem_type) {
        snprintf(why, why_len, "graph input '%.100s' is %.200s, but the file holds %s", shown, want,
                 ol_elem_type_name(a->elem_type));
        return false;
    }
    if (t->shape.rank >= 0 && a->rank != t->shape.rank) {
        snprintf(why, why_len, "graph input '%.100s' is %.200s (rank %d), but the file holds rank %d", shown, want,
                 t->shape.rank, a->rank);
        return false;
    }
    for (int k = 0; t->shape.rank >= 0 && k < a->rank; k++) {
        const ol_dim *d = &t->shape.dims[k];
        if (d->kind == OL_DIM_VALUE && d->value != a->dims[k]) {
            snprintf(why, why_len, "graph input '%.100s' is %.200s, but the file holds dim %d = %lld", shown, want, k,
                     (long long)a->dims[k]);
            return false;
        }
    }
    return true;
}

onnxlint_status onnxlint_run(onnxlint_model *m, const onnxlint_run_options *o, onnxlint_write_fn write, void *write_ctx,
                             onnxlint_error *err)
{
    if (!m || !o)
        return ONNXLINT_EINVAL;
    ol_infer_model(m, NULL, NULL);
    ol_eval e;
    ol_eval_options eo = {.memory_budget = o->memory_budget};
    ol_eval_init(&e, m, &eo);
    onnxlint_status st = ONNXLINT_OK;
    const ol_graph *g = m->graph;
    ol_rvalue **inputs = ol_arena_calloc(&e.arena, g->n_inputs + 1, sizeof *inputs);
    ol_rvalue **outputs = ol_arena_calloc(&e.arena, g->n_outputs + 1, sizeof *outputs);
    if (!inputs || !outputs) {
        st = fail(err, ONNXLINT_ENOMEM, "%s%s", "run: out of memory", "");
        goto done;
    }
    if (m->names_redefined) {
        st = fail(err, ONNXLINT_EMALFORMED, "%s: cannot run: %s", m->path,
                  "a name is defined twice (duplicate-name, see 'onnxlint inspect'), so which value a node reads "
                  "is not defined");
        goto done;
    }
    if (!ol_eval_supported(&e, g)) {
        uint8_t *part = ol_arena_calloc(&e.arena, g->n_nodes + 1, 1);
        char first[sizeof e.error];
        snprintf(first, sizeof first, "%s", e.error);
        if (part && ol_forward_nodes(m, part)) {
            e.main_nodes = part;
            e.error[0] = '\0';
        }
        if (!e.main_nodes || !ol_eval_supported(&e, g)) {
            st = fail(err, ONNXLINT_EEVAL, "%s: cannot run: %s", m->path, first);
            goto done;
        }
    }
    size_t n = 0;
    char why[512], path[4096];
    for (size_t i = 0; i < g->n_inputs; i++) {
        const ol_value *v = g->inputs[i];
        if (v->flags & OL_VALUE_INITIALIZER)
            continue;
        const char *file = NULL;
        for (size_t k = 0; k < o->n_input_files; k++) {
            const char *eq = strchr(o->input_files[k], '=');
            if (eq && (size_t)(eq - o->input_files[k]) == strlen(v->name) &&
                strncmp(o->input_files[k], v->name, strlen(v->name)) == 0)
                file = eq + 1;
        }
        if (!file && o->inputs_dir) {
            snprintf(path, sizeof path, "%.4000s/input_%zu.pb", o->inputs_dir, n);
            file = path;
        }
        if (!file && e.main_nodes && !forward_reads(&e, v)) {
            inputs[n++] = NULL; /* only the part that does not run reads it */
            continue;
        }
        if (!file) {
            st = fail(err, ONNXLINT_EINVAL, "no value for graph input '%.200s': give --inputs DIR or --input %.200s=FILE",
                      v->name, v->name);
            goto done;
        }
        inputs[n] = ol_value_read_file(&e, file, v->type, why, sizeof why);
        if (!inputs[n]) {
            st = fail(err, ONNXLINT_EIO, "%s%s", why, "");
            goto done;
        }
        if (!input_fits(v, inputs[n], why, sizeof why)) {
            st = fail(err, ONNXLINT_EINVAL, "%.300s: %.600s", file, why);
            goto done;
        }
        n++;
    }
    if (!ol_eval_run(&e, inputs, n, outputs, g->n_outputs)) {
        st = fail(err, ONNXLINT_EEVAL, "%s: %s", m->path, e.error);
        goto done;
    }
    ol_sink out;
    ol_out_init(&out, write, write_ctx);
    for (size_t i = 0; i < g->n_outputs; i++) {
        if (!outputs[i]) {
            ol_out_name(&out, g->outputs[i]->name);
            ol_out_printf(&out, "  (not computed: not in the forward part)\n");
            continue;
        }
        if (o->outputs_dir) {
            snprintf(path, sizeof path, "%.4000s/output_%zu.pb", o->outputs_dir, i);
            if (!ol_value_write_file(outputs[i], g->outputs[i]->name, path, why, sizeof why)) {
                st = fail(err, ONNXLINT_EIO, "%s%s", why, "");
                goto done;
            }
        }
        ol_out_name(&out, g->outputs[i]->name);
        ol_out_bytes(&out, "  ", 2);
        summarize(&out, outputs[i], 0);
    }
    if (!ol_out_flush(&out))
        st = fail(err, ONNXLINT_EWRITE, "%s%s", "run: cannot write the summary", "");
done:
    ol_eval_destroy(&e);
    return st;
}
