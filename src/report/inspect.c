/*
 * inspect.c - what a model is: versions, interface, weights, operators.
 *
 * The summary is computed from the IR alone (parameter and byte counts come
 * from dims and payload records, never from reading weights), then written
 * as aligned text or as JSON (written as it is visited).
 *
 * JSON shape:
 *   {"model", "ir_version", "producer": {"name","version"}, "domain",
 *    "model_version", "doc_string", "opsets": [{"domain","version"}],
 *    "graph": {"name","nodes","nodes_total","subgraphs","functions"},
 *    "inputs"/"outputs": [{"name","dtype","shape","type"}],
 *    "initializers": {"count","parameters","bytes","external_count",
 *                     "external_bytes"},
 *    "operators": [{"domain","op","count"}],
 *    "functions": [{"domain","name","nodes","inputs","outputs"}],
 *    "metadata": {key: value},
 *    "diagnostics": [{"severity","code","node","message"}]}
 * A shape is a list of dims (integer, string for a symbol, null when
 * unknown) or null when even the rank is unknown.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "report/json.h"
#include "util/writer.h"
#include "util/text.h"

typedef struct op_count {
    const char *domain;
    const char *op;
    size_t count;
} op_count;

typedef struct summary {
    size_t n_subgraphs;
    size_t n_initializers;
    unsigned long long parameters, bytes, external_count, external_bytes;
    ol_map op_map;      /* "domain\x1fop" -> op_count */
    op_count **ops;     /* sorted: most used first */
    size_t n_ops, ops_cap;
    op_count *recent[8]; /* the last operators counted, tried before the map */
    unsigned next_recent;
} summary;

static bool count_op(summary *s, ol_arena *arena, const ol_node *node)
{
    /* The key on the stack for the lookup; a copy in the arena only for a
     * new operator (printf per node was half of inspect on a big graph). */
    for (size_t r = 0; r < sizeof s->recent / sizeof *s->recent && s->recent[r]; r++) {
        op_count *c = s->recent[r];
        if (c->op[0] == node->op_type[0] && strcmp(c->op, node->op_type) == 0 && strcmp(c->domain, node->domain) == 0) {
            c->count++;
            return true;
        }
    }
    char buf[512];
    size_t nd = strlen(node->domain), no = strlen(node->op_type);
    char *key = nd + no + 2 <= sizeof buf ? buf : ol_arena_alloc_bytes(arena, nd + no + 2);
    if (!key)
        return false;
    memcpy(key, node->domain, nd);
    key[nd] = '\x1f';
    memcpy(key + nd + 1, node->op_type, no + 1);
    op_count *c = ol_map_get(&s->op_map, key);
    if (!c) {
        if (key == buf && !(key = ol_arena_strndup(arena, buf, nd + no + 1)))
            return false;
        c = ol_arena_calloc(arena, 1, sizeof *c);
        if (!c || !ol_map_put(&s->op_map, arena, key, c))
            return false;
        c->domain = node->domain;
        c->op = node->op_type;
        if (s->n_ops == s->ops_cap) {
            size_t cap = s->ops_cap ? s->ops_cap * 2 : 32;
            op_count **ops = ol_arena_alloc(arena, cap * sizeof *ops);
            if (!ops)
                return false;
            if (s->n_ops)
                memcpy(ops, s->ops, s->n_ops * sizeof *ops);
            s->ops = ops;
            s->ops_cap = cap;
        }
        s->ops[s->n_ops++] = c;
    }
    s->recent[s->next_recent++ % (sizeof s->recent / sizeof *s->recent)] = c;
    c->count++;
    return true;
}

/* Recursion is bounded by the loader's message depth limit. */
static bool walk_graph(summary *s, ol_arena *arena, const ol_graph *g)
{
    for (size_t i = 0; i < g->n_initializers; i++) {
        const ol_tensor *t = g->initializers[i]->initializer;
        if (!t)
            continue;
        s->n_initializers++;
        s->parameters += t->count;
        unsigned bits = ol_elem_type_bits(t->elem_type);
        unsigned long long bytes = bits ? (t->count * bits + 7) / 8 : t->payload ? t->payload->typed_bytes : 0;
        s->bytes += bytes;
        if (t->external_path) {
            s->external_count++;
            s->external_bytes += t->external_length;
        }
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        const ol_node *node = g->nodes[i];
        if (!count_op(s, arena, node))
            return false;
        for (size_t k = 0; k < node->n_subgraphs; k++) {
            s->n_subgraphs++;
            if (!walk_graph(s, arena, node->subgraphs[k]))
                return false;
        }
    }
    return true;
}

static int by_count(const void *a, const void *b)
{
    const op_count *x = *(op_count *const *)a, *y = *(op_count *const *)b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    int d = strcmp(x->domain, y->domain);
    return d ? d : strcmp(x->op, y->op);
}

static bool summarize(const onnxlint_model *m, ol_arena *arena, summary *s)
{
    memset(s, 0, sizeof *s);
    if (!walk_graph(s, arena, m->graph))
        return false;
    for (size_t i = 0; i < m->n_functions; i++) {
        if (!walk_graph(s, arena, m->functions[i]->body))
            return false;
    }
    if (s->n_ops)
        qsort(s->ops, s->n_ops, sizeof *s->ops, by_count);
    return true;
}

static const char *opset_domain(const char *domain)
{
    return domain[0] ? domain : "ai.onnx";
}

/* ---- text ---- */

static void text_values(ol_sink *out, const char *title, ol_value *const *values, size_t n, bool skip_initializers)
{
    size_t width = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (skip_initializers && (values[i]->flags & OL_VALUE_INITIALIZER))
            continue;
        size_t w = ol_display_width(values[i]->name);
        width = w > width ? w : width;
        shown++;
    }
    ol_out_printf(out, "\n%s (%zu)\n", title, shown);
    for (size_t i = 0; i < n; i++) {
        const ol_value *v = values[i];
        if (skip_initializers && (v->flags & OL_VALUE_INITIALIZER))
            continue;
        char type[512];
        ol_out_bytes(out, "  ", 2);
        ol_out_name(out, v->name);
        ol_out_column(out, width, ol_display_width(v->name));
        ol_out_printf(out, "%s\n", ol_type_text(v->type, type, sizeof type));
    }
}

static void text_field(ol_sink *out, const char *label, const char *value)
{
    ol_out_printf(out, "%-14s", label);
    ol_out_name(out, value);
    ol_out_bytes(out, "\n", 1);
}

/* The nodes selected by --op / --name, with their inputs and outputs. */
static void text_nodes(ol_sink *out, const onnxlint_model *m, const char *op, const regex_t *name)
{
    const ol_graph *g = m->graph;
    size_t shown = 0;
    ol_out_printf(out, "\nnodes");
    if (op)
        ol_out_printf(out, " of type %s", op);
    ol_out_printf(out, "%s\n", name ? " with matching names" : "");
    for (size_t i = 0; i < g->n_nodes; i++) {
        const ol_node *node = g->nodes[i];
        char idx[32], type[512];
        const char *nm = ol_node_display_name(node, idx, sizeof idx);
        if ((op && strcmp(node->op_type, op) != 0) || (name && regexec(name, nm, 0, NULL, 0) != 0))
            continue;
        shown++;
        ol_out_bytes(out, "  ", 2);
        ol_out_name(out, node->op_type);
        ol_out_bytes(out, " '", 2);
        ol_out_name(out, nm);
        ol_out_bytes(out, "'\n", 2);
        for (size_t k = 0; k < node->n_inputs + node->n_outputs; k++) {
            bool input = k < node->n_inputs;
            const ol_value *v = input ? node->inputs[k] : node->outputs[k - node->n_inputs];
            if (!v)
                continue;
            ol_out_printf(out, "    %s ", input ? "in " : "out");
            ol_out_name(out, v->name);
            ol_out_printf(out, "  %s\n", ol_type_text(ol_value_type(v), type, sizeof type));
        }
    }
    ol_out_printf(out, "  (%zu of %zu nodes)\n", shown, g->n_nodes);
}

/* A list of names after a label, the first OL_MAX_SUMMARY_NAMES of total. */
static void text_names(ol_sink *out, const char *label, const char *const *names, size_t n, size_t total)
{
    if (!total)
        return;
    ol_out_printf(out, "%-14s", label);
    for (size_t i = 0; i < n && i < total; i++) {
        if (i)
            ol_out_bytes(out, ", ", 2);
        ol_out_name(out, names[i]);
    }
    if (total > n)
        ol_out_printf(out, " (and %zu more)", total - n);
    ol_out_bytes(out, "\n", 1);
}

/* What an ONNX Runtime training artifact holds: its kind, parameters,
 * gradients and accumulators, loss and labels. */
static void text_artifact(ol_sink *out, const onnxlint_model *m)
{
    ol_training_summary_info t;
    ol_training_summary(m, &t);
    if (t.kind == OL_ARTIFACT_NONE)
        return;
    ol_out_printf(out, "%-14sONNX Runtime %s", "artifact", ol_artifact_kind_name(t.kind));
    if (t.kind == OL_ARTIFACT_OPTIMIZER)
        ol_out_printf(out, " (%s)", t.optimizer ? t.optimizer : "?");
    else if (t.kind == OL_ARTIFACT_TRAINING)
        ol_out_printf(out, ": %zu parameters (%zu trainable), %zu gradients, %zu accumulators%s", t.n_parameters,
                      t.n_trainable, t.n_gradients, t.n_accumulators, t.has_reset ? ", lazy_reset_grad" : "");
    else
        ol_out_printf(out, ": %zu parameters as graph inputs", t.n_parameters);
    ol_out_bytes(out, "\n", 1);
    text_names(out, "loss", t.losses, t.n_losses, t.n_losses);
    text_names(out, "labels", t.labels, t.n_labels, t.n_labels);
    size_t shown = t.n_parameters < OL_MAX_SUMMARY_NAMES ? t.n_parameters : OL_MAX_SUMMARY_NAMES;
    text_names(out, "parameters", t.parameters, shown, t.n_parameters);
}

static void write_text(const onnxlint_model *m, const summary *s, ol_sink *out)
{
    const Onnx__ModelProto *mp = m->proto;
    char buf[128];
    text_field(out, "model", m->path);
    ol_out_printf(out, "%-14s%lld\n", "ir version", mp->has_ir_version ? (long long)mp->ir_version : 0LL);
    if (mp->producer_name && mp->producer_name[0]) {
        ol_out_printf(out, "%-14s", "producer");
        ol_out_name(out, mp->producer_name);
        if (mp->producer_version && mp->producer_version[0]) {
            ol_out_bytes(out, " ", 1);
            ol_out_name(out, mp->producer_version);
        }
        ol_out_bytes(out, "\n", 1);
    }
    if (mp->domain && mp->domain[0])
        text_field(out, "domain", mp->domain);
    if (mp->has_model_version)
        ol_out_printf(out, "%-14s%lld\n", "model version", (long long)mp->model_version);
    ol_out_printf(out, "%-14s", "opsets");
    for (size_t i = 0; i < m->n_opsets; i++) {
        if (i)
            ol_out_bytes(out, ", ", 2);
        ol_out_name(out, opset_domain(m->opsets[i].domain));
        ol_out_printf(out, " %lld", (long long)m->opsets[i].version);
    }
    ol_out_printf(out, "%s\n", m->n_opsets ? "" : "(none)");
    ol_out_printf(out, "%-14s", "graph");
    ol_out_name(out, m->graph->name[0] ? m->graph->name : "(unnamed)");
    ol_out_printf(out, ": %zu nodes", m->graph->n_nodes);
    if (s->n_subgraphs || m->n_functions)
        ol_out_printf(out, " (%zu in all), %zu subgraphs, %zu functions", m->n_nodes, s->n_subgraphs,
                      m->n_functions);
    ol_out_bytes(out, "\n", 1);
    if (mp->doc_string && mp->doc_string[0]) {
        char doc[81];
        size_t len = strcspn(mp->doc_string, "\r\n");
        snprintf(doc, sizeof doc, "%.*s", (int)(len < 80 ? len : 80), mp->doc_string);
        text_field(out, "doc", doc);
    }
    text_artifact(out, m);

    text_values(out, "inputs", m->graph->inputs, m->graph->n_inputs, true);
    text_values(out, "outputs", m->graph->outputs, m->graph->n_outputs, false);

    char bytes[32], ext[32];
    ol_out_printf(out, "\ninitializers  %zu tensors, %llu parameters, %s", s->n_initializers, s->parameters,
                  ol_bytes_text(s->bytes, bytes, sizeof bytes));
    if (s->external_count)
        ol_out_printf(out, " (%llu external, %s)", s->external_count,
                      ol_bytes_text(s->external_bytes, ext, sizeof ext));
    ol_out_bytes(out, "\n", 1);

    ol_out_printf(out, "\noperators (%zu types, %zu nodes)\n", s->n_ops, m->n_nodes);
    size_t width = 0;
    for (size_t i = 0; i < s->n_ops; i++) {
        size_t w = ol_display_width(s->ops[i]->op) + (s->ops[i]->domain[0] ? ol_display_width(s->ops[i]->domain) + 1 : 0);
        width = w > width ? w : width;
    }
    for (size_t i = 0; i < s->n_ops; i++) {
        const op_count *c = s->ops[i];
        size_t w = ol_display_width(c->op);
        ol_out_bytes(out, "  ", 2);
        if (c->domain[0]) {
            ol_out_name(out, c->domain);
            ol_out_bytes(out, ":", 1);
            w += ol_display_width(c->domain) + 1;
        }
        ol_out_name(out, c->op);
        ol_out_column(out, width, w);
        snprintf(buf, sizeof buf, "%zu\n", c->count);
        ol_out_bytes(out, buf, strlen(buf));
    }
    if (m->n_functions) {
        ol_out_printf(out, "\nfunctions (%zu)\n", m->n_functions);
        for (size_t i = 0; i < m->n_functions; i++) {
            const ol_function *f = m->functions[i];
            ol_out_bytes(out, "  ", 2);
            if (f->domain[0]) {
                ol_out_name(out, f->domain);
                ol_out_bytes(out, ":", 1);
            }
            ol_out_name(out, f->name);
            ol_out_printf(out, "  %zu inputs, %zu outputs, %zu nodes\n", f->body->n_inputs, f->body->n_outputs,
                          f->body->n_nodes);
        }
    }
    if (mp->n_metadata_props) {
        ol_out_printf(out, "\nmetadata (%zu)\n", mp->n_metadata_props);
        for (size_t i = 0; i < mp->n_metadata_props; i++) {
            const Onnx__StringStringEntryProto *e = mp->metadata_props[i];
            ol_out_bytes(out, "  ", 2);
            ol_out_name(out, e->key ? e->key : "");
            ol_out_bytes(out, " = ", 3);
            ol_out_name(out, e->value ? e->value : "");
            ol_out_bytes(out, "\n", 1);
        }
    }
    if (m->diagnostics[ONNXLINT_ERROR] || m->diagnostics[ONNXLINT_WARNING])
        ol_out_printf(out, "\ndiagnostics   %zu errors, %zu warnings\n", m->diagnostics[ONNXLINT_ERROR],
                      m->diagnostics[ONNXLINT_WARNING]);
}

/* ---- JSON ---- */

static void json_values(ol_jw *w, ol_value *const *values, size_t n, bool skip_initializers)
{
    ol_jw_array(w);
    for (size_t i = 0; i < n; i++) {
        const ol_value *v = values[i];
        if (skip_initializers && (v->flags & OL_VALUE_INITIALIZER))
            continue;
        char type[512];
        ol_jw_object(w);
        ol_jw_key(w, "name");
        ol_jw_string(w, v->name);
        ol_jw_key(w, "dtype");
        ol_jw_dtype(w, v->type);
        ol_jw_key(w, "shape");
        ol_jw_shape(w, NULL, v->type);
        ol_jw_key(w, "type");
        ol_jw_string(w, ol_type_text(v->type, type, sizeof type));
        ol_jw_end(w);
    }
    ol_jw_end(w);
}

static void json_key_int(ol_jw *w, const char *key, long long v)
{
    ol_jw_key(w, key);
    ol_jw_int(w, v);
}

static void json_key_string(ol_jw *w, const char *key, const char *s)
{
    ol_jw_key(w, key);
    ol_jw_string(w, s);
}

static void json_names(ol_jw *w, const char *key, const char *const *names, size_t n)
{
    ol_jw_key(w, key);
    ol_jw_array(w);
    for (size_t i = 0; i < n; i++)
        ol_jw_string(w, names[i]);
    ol_jw_end(w);
}

/* "artifact": what an ONNX Runtime training artifact holds; nothing for
 * other models. */
static void json_artifact(ol_jw *w, const onnxlint_model *m)
{
    ol_training_summary_info t;
    ol_training_summary(m, &t);
    if (t.kind == OL_ARTIFACT_NONE)
        return;
    size_t shown = t.n_parameters < OL_MAX_SUMMARY_NAMES ? t.n_parameters : OL_MAX_SUMMARY_NAMES;
    ol_jw_key(w, "artifact");
    ol_jw_object(w);
    json_key_string(w, "kind", ol_artifact_kind_name(t.kind));
    json_key_int(w, "parameters", (long long)t.n_parameters);
    json_key_int(w, "trainable", (long long)t.n_trainable);
    json_key_int(w, "gradients", (long long)t.n_gradients);
    json_key_int(w, "accumulators", (long long)t.n_accumulators);
    json_key_string(w, "optimizer", t.optimizer);
    json_names(w, "losses", t.losses, t.n_losses);
    json_names(w, "labels", t.labels, t.n_labels);
    json_names(w, "parameter_names", t.parameters, shown);
    ol_jw_end(w);
}

static void write_json(const onnxlint_model *m, const summary *s, ol_sink *out)
{
    const Onnx__ModelProto *mp = m->proto;
    ol_jw jw, *w = &jw;
    ol_jw_init(w, out, true);
    ol_jw_object(w);
    json_key_string(w, "model", m->path);
    ol_jw_key(w, "ir_version");
    if (mp->has_ir_version)
        ol_jw_int(w, mp->ir_version);
    else
        ol_jw_null(w);
    ol_jw_key(w, "producer");
    ol_jw_object(w);
    json_key_string(w, "name", mp->producer_name);
    json_key_string(w, "version", mp->producer_version);
    ol_jw_end(w);
    json_key_string(w, "domain", mp->domain);
    ol_jw_key(w, "model_version");
    if (mp->has_model_version)
        ol_jw_int(w, mp->model_version);
    else
        ol_jw_null(w);
    json_key_string(w, "doc_string", mp->doc_string);
    json_artifact(w, m); /* only for ONNX Runtime's training artifacts */
    ol_jw_key(w, "opsets");
    ol_jw_array(w);
    for (size_t i = 0; i < m->n_opsets; i++) {
        ol_jw_object(w);
        json_key_string(w, "domain", opset_domain(m->opsets[i].domain));
        json_key_int(w, "version", m->opsets[i].version);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_key(w, "graph");
    ol_jw_object(w);
    json_key_string(w, "name", m->graph->name);
    json_key_int(w, "nodes", (long long)m->graph->n_nodes);
    json_key_int(w, "nodes_total", (long long)m->n_nodes);
    json_key_int(w, "subgraphs", (long long)s->n_subgraphs);
    json_key_int(w, "functions", (long long)m->n_functions);
    ol_jw_end(w);
    ol_jw_key(w, "inputs");
    json_values(w, m->graph->inputs, m->graph->n_inputs, true);
    ol_jw_key(w, "outputs");
    json_values(w, m->graph->outputs, m->graph->n_outputs, false);
    ol_jw_key(w, "initializers");
    ol_jw_object(w);
    json_key_int(w, "count", (long long)s->n_initializers);
    json_key_int(w, "parameters", (long long)s->parameters);
    json_key_int(w, "bytes", (long long)s->bytes);
    json_key_int(w, "external_count", (long long)s->external_count);
    json_key_int(w, "external_bytes", (long long)s->external_bytes);
    ol_jw_end(w);
    ol_jw_key(w, "operators");
    ol_jw_array(w);
    for (size_t i = 0; i < s->n_ops; i++) {
        ol_jw_object(w);
        json_key_string(w, "domain", opset_domain(s->ops[i]->domain));
        json_key_string(w, "op", s->ops[i]->op);
        json_key_int(w, "count", (long long)s->ops[i]->count);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_key(w, "functions");
    ol_jw_array(w);
    for (size_t i = 0; i < m->n_functions; i++) {
        const ol_function *f = m->functions[i];
        ol_jw_object(w);
        json_key_string(w, "domain", f->domain);
        json_key_string(w, "name", f->name);
        json_key_int(w, "nodes", (long long)f->body->n_nodes);
        ol_jw_key(w, "inputs");
        ol_jw_array(w);
        for (size_t k = 0; k < f->body->n_inputs; k++)
            ol_jw_string(w, f->body->inputs[k]->name);
        ol_jw_end(w);
        ol_jw_key(w, "outputs");
        ol_jw_array(w);
        for (size_t k = 0; k < f->body->n_outputs; k++)
            ol_jw_string(w, f->body->outputs[k]->name);
        ol_jw_end(w);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_key(w, "metadata");
    ol_jw_object(w);
    for (size_t i = 0; i < mp->n_metadata_props; i++) {
        const Onnx__StringStringEntryProto *e = mp->metadata_props[i];
        json_key_string(w, e->key ? e->key : "", e->value ? e->value : "");
    }
    ol_jw_end(w);
    static const char *severities[] = {"note", "warning", "error"};
    ol_jw_key(w, "diagnostics");
    ol_jw_array(w);
    for (size_t i = 0; i < m->n_diagnostic_list; i++) {
        const ol_diagnostic *d = &m->diagnostic_list[i];
        ol_jw_object(w);
        json_key_string(w, "severity", severities[d->severity]);
        json_key_string(w, "code", d->code);
        json_key_string(w, "node", d->node);
        json_key_string(w, "message", d->message);
        ol_jw_end(w);
    }
    ol_jw_end(w);
    ol_jw_end(w);
    ol_out_bytes(out, "\n", 1);
}

onnxlint_status onnxlint_inspect_write(const onnxlint_model *m, onnxlint_format format, onnxlint_write_fn write,
                                       void *write_ctx, onnxlint_error *err)
{
    return onnxlint_inspect_write_filtered(m, format, NULL, NULL, write, write_ctx, err);
}

onnxlint_status onnxlint_inspect_write_filtered(const onnxlint_model *m, onnxlint_format format, const char *op,
                                                const char *name_regex, onnxlint_write_fn write, void *write_ctx,
                                                onnxlint_error *err)
{
    regex_t re;
    if (name_regex && regcomp(&re, name_regex, REG_EXTENDED | REG_NOSUB) != 0) {
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "--name: '%.200s' is not a regular expression", name_regex);
        }
        return ONNXLINT_EINVAL;
    }
    if (!m || !write)
        return ONNXLINT_EINVAL;
    ol_arena scratch;
    ol_arena_init(&scratch, &m->arena.allocator, (size_t)1 << 30);
    summary s;
    ol_sink *out = ol_arena_alloc(&scratch, sizeof *out);
    onnxlint_status st = ONNXLINT_OK;
    if (!out || !summarize(m, &scratch, &s)) {
        st = ONNXLINT_ENOMEM;
        goto done;
    }
    ol_out_init(out, write, write_ctx);
    if (format == ONNXLINT_FORMAT_JSON) {
        write_json(m, &s, out);
    } else {
        write_text(m, &s, out);
        if (op || name_regex)
            text_nodes(out, m, op, name_regex ? &re : NULL);
    }
    if (!ol_out_flush(out))
        st = ONNXLINT_EWRITE;
done:
    if (name_regex)
        regfree(&re);
    if (st && err) {
        err->status = st;
        snprintf(err->message, sizeof err->message, "inspect: %s", onnxlint_status_name(st));
    }
    ol_arena_destroy(&scratch);
    return st;
}
