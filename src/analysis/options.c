/*
 * options.c - what a check is told must name what the model has.
 *
 * A --dim for a symbol no input has, a size of 0, an --input for a name
 * the model does not read, a file that is not there, or a declared loss on
 * a model that computes its own would otherwise be ignored or misread, and
 * the check would look clean.  Each is refused with one line saying what is
 * wrong and, when a name is close, what was probably meant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/analysis.h"
#include "util/text.h"

/* Most distinct symbols listed for a suggestion. */
#define OL_MAX_LISTED_SYMBOLS 64

static void add_name(const char **names, size_t *n, const char *name)
{
    if (!name || *n >= OL_MAX_LISTED_SYMBOLS)
        return;
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(names[i], name) == 0)
            return;
    }
    names[(*n)++] = name;
}

static void add_symbols(const ol_type *t, const char **names, size_t *n)
{
    if (t->kind != OL_TYPE_TENSOR || t->shape.rank <= 0)
        return;
    for (int k = 0; k < t->shape.rank; k++) {
        if (t->shape.dims[k].kind == OL_DIM_SYMBOL)
            add_name(names, n, t->shape.dims[k].symbol);
    }
}

static const char *list_text(const char *const *names, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
    return n ? buf : "none";
}

static bool refuse(char *why, size_t cap, const char *fmt, const char *a, const char *b, const char *near)
{
    int len = snprintf(why, cap, fmt, a, b);
    if (near && len >= 0 && (size_t)len < cap)
        snprintf(why + len, cap - (size_t)len, ": did you mean %s?", near);
    return false;
}

bool ol_options_validate(const onnxlint_model *m, const ol_check_options *o, const char *const *dims, size_t n_dims,
                         const char *const *inputs, size_t n_inputs, char *why, size_t cap)
{
    const ol_graph *g = m->graph;
    const char *symbols[OL_MAX_LISTED_SYMBOLS];
    size_t n_symbols = 0;
    for (size_t i = 0; i < g->n_inputs; i++) {
        if (!(g->inputs[i]->flags & OL_VALUE_INITIALIZER))
            add_symbols(g->inputs[i]->type, symbols, &n_symbols);
    }
    if (o->has_labels)
        add_symbols(&o->labels_type, symbols, &n_symbols);
    char list[1024];
    for (size_t i = 0; i < n_dims; i++) {
        const char *eq = strchr(dims[i], '=');
        char name[256];
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - dims[i]) : 0, dims[i]);
        if (!eq || eq == dims[i]) {
            snprintf(why, cap, "--dim takes NAME=VALUE, e.g. N=8, not '%.100s'", dims[i]);
            return false;
        }
        long long v = 0; /* digits only: no sign, space, exponent or base prefix */
        bool digits = eq[1] != '\0';
        for (const char *p = eq + 1; *p && digits && v <= OL_MAX_BOUND_DIM; p++) {
            digits = *p >= '0' && *p <= '9';
            v = v * 10 + (*p - '0');
        }
        if (!digits || v <= 0 || v > OL_MAX_BOUND_DIM) {
            snprintf(why, cap, "--dim %s: the size must be a whole number from 1 to %lld, e.g. %s=8", dims[i],
                     (long long)OL_MAX_BOUND_DIM, name);
            return false;
        }
        bool known = false;
        for (size_t k = 0; k < n_symbols && !known; k++)
            known = strcmp(symbols[k], name) == 0;
        if (!known && !o->dims_shared) {
            const char *near = ol_suggest(name, symbols, n_symbols);
            int len = snprintf(why, cap, "--dim %s: the model has no symbolic dim called '%.100s' (its inputs have: %s)",
                               dims[i], name, list_text(symbols, n_symbols, list, sizeof list));
            if (near && len >= 0 && (size_t)len < cap)
                snprintf(why + len, cap - (size_t)len, ": did you mean %s?", near);
            return false;
        }
    }
    const char *names[OL_MAX_LISTED_SYMBOLS];
    size_t n_names = 0;
    for (size_t i = 0; i < g->n_inputs; i++) {
        if (!(g->inputs[i]->flags & OL_VALUE_INITIALIZER))
            add_name(names, &n_names, g->inputs[i]->name);
    }
    if (o->has_labels)
        add_name(names, &n_names, o->labels_name);
    for (size_t i = 0; i < n_inputs; i++) {
        char given[1024]; /* "--input labels=y.npy", or the configuration's words */
        snprintf(given, sizeof given, "%s %s", o->inputs_from ? o->inputs_from : "--input", inputs[i]);
        const char *eq = strchr(inputs[i], '=');
        if (!eq || eq == inputs[i] || !eq[1])
            return refuse(why, cap, "%s: give NAME=FILE, e.g. %s=labels.npy", given, "labels", NULL);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - inputs[i]), inputs[i]);
        bool known = false;
        for (size_t k = 0; k < n_names && !known; k++)
            known = strcmp(names[k], name) == 0;
        /* one --input for a folder of models may name what only some read;
         * a configuration's inputs name what the models of its glob read */
        if (!known && (!o->dims_shared || o->inputs_from)) {
            const char *near = ol_suggest(name, names, n_names);
            return refuse(why, cap, "%s: the model reads no input by that name (it reads: %s)", given,
                          list_text(names, n_names, list, sizeof list), near);
        }
        struct stat st;
        if (stat(eq + 1, &st) != 0 || !S_ISREG(st.st_mode))
            return refuse(why, cap, "%s: no file '%s' (a .pb TensorProto or .npy file)", given, eq + 1, NULL);
    }
    return true;
}

bool ol_options_validate_losses(const onnxlint_model *m, char *why, size_t cap)
{
    const ol_loss_record *own = NULL, *declared = NULL;
    for (size_t l = 0; l < m->n_losses; l++) {
        if (m->losses[l].declared)
            declared = declared ? declared : &m->losses[l];
        else
            own = own ? own : &m->losses[l];
    }
    if (!own || !declared)
        return true;
    char idx[32];
    const char *node = own->node ? ol_node_display_name(own->node, idx, sizeof idx) : "?";
    snprintf(why, cap,
             "--loss: the model already computes its loss (%s at node '%.200s'), which is checked as it is; "
             "declare a loss only for an inference-only export",
             ol_loss_record_kind(own), node);
    return false;
}
