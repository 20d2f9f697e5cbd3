/*
 * dot.c - the graph as Graphviz DOT.
 *
 * Nodes show their op and name; edges carry the value's element type and
 * shape (after unification); graph inputs and outputs are ellipses,
 * initializers are left out (they would drown the picture) except those a
 * finding is about (the class weights of a class-count finding), drawn as
 * red notes.  With --around only the inputs and outputs of the kept nodes
 * are drawn: nothing dangles.  After
 * `check`, the loss path (logits -> loss <- labels) is drawn bold blue and
 * every node with a finding red with its rule ids.  --around NODE with
 * --depth K keeps the nodes at most K edges from NODE: large graphs stay
 * readable.
 *
 * Invariant: every string from the model (names, op types, and the type
 * text, whose symbolic dims are the model's dim_params) goes through
 * dot_string: escaped for DOT's quoted strings (backslash, quote, control
 * characters), so nothing from the model can break out of its label and
 * add attributes (an SVG link, say).
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "util/writer.h"
#include "util/text.h"

/* Most nodes a picture shows before it is cut (with a note). */
#define OL_MAX_DOT_NODES 5000

/* Writes s as the inside of a DOT quoted string. */
static void dot_string(ol_sink *out, const char *s)
{
    char shown[1024];
    ol_escape(shown, sizeof shown, s, strlen(s), false);
    for (const char *p = shown; *p; p++) {
        if (*p == '"' || *p == '\\')
            ol_out_bytes(out, "\\", 1);
        ol_out_bytes(out, p, 1);
    }
}

static void type_label(onnxlint_model *m, const ol_value *v, char *buf, size_t cap)
{
    const ol_type *t = ol_value_type(v);
    ol_type r = *t;
    ol_dim dims[OL_MAX_RANK];
    if (t->kind == OL_TYPE_TENSOR && t->shape.rank > 0 && t->shape.rank <= OL_MAX_RANK) {
        for (int i = 0; i < t->shape.rank; i++)
            dims[i] = ol_dim_resolve(&m->exprs, t->shape.dims[i]);
        r.shape.dims = dims;
    }
    ol_type_text(&r, buf, cap);
}

/* Breadth-first distances from the node called around (undirected). */
static bool keep_nodes(onnxlint_model *m, const char *around, int depth, bool *keep, onnxlint_error *err)
{
    const ol_graph *g = m->graph;
    size_t n = g->n_nodes, start = n;
    char idx[32];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ol_node_display_name(g->nodes[i], idx, sizeof idx), around) == 0)
            start = i;
    }
    if (start == n) {
        if (err) {
            err->status = ONNXLINT_EINVAL;
            snprintf(err->message, sizeof err->message, "--around: no node called '%.200s' in the main graph",
                     around);
        }
        return false;
    }
    int *dist = ol_arena_calloc(&m->arena, n + 1, sizeof *dist);
    size_t *queue = ol_arena_calloc(&m->arena, n + 1, sizeof *queue);
    if (!dist || !queue)
        return false;
    for (size_t i = 0; i < n; i++)
        dist[i] = -1;
    size_t head = 0, tail = 0;
    dist[start] = 0;
    queue[tail++] = start;
    while (head < tail) {
        const ol_node *node = g->nodes[queue[head++]];
        int d = dist[node->index];
        keep[node->index] = true;
        if (d >= depth)
            continue;
        for (size_t k = 0; k < node->n_inputs; k++) { /* producers */
            const ol_node *p = node->inputs[k] ? node->inputs[k]->producer : NULL;
            if (p && p->graph == g && dist[p->index] < 0) {
                dist[p->index] = d + 1;
                queue[tail++] = p->index;
            }
        }
        for (size_t k = 0; k < node->n_outputs; k++) { /* consumers */
            const ol_value *v = node->outputs[k];
            for (size_t c = 0; v && c < v->n_consumers; c++) {
                const ol_node *q = v->consumers[c];
                if (q->graph == g && dist[q->index] < 0) {
                    dist[q->index] = d + 1;
                    queue[tail++] = q->index;
                }
            }
        }
    }
    return true;
}

/* True when a node that is drawn reads v. */
static bool read_by_kept(const ol_graph *g, const ol_value *v, const bool *keep)
{
    for (size_t c = 0; c < v->n_consumers; c++) {
        const ol_node *q = v->consumers[c];
        if (q->graph == g && keep[q->index])
            return true;
    }
    return false;
}

/* True when a finding that is shown names the initializer v as one of its values. */
static bool finding_about(const onnxlint_model *m, const ol_value *v)
{
    for (size_t f = 0; f < m->n_findings; f++) {
        const ol_finding *fd = &m->findings[f];
        for (int k = 0; !fd->dropped && k < fd->n_values; k++) {
            if (fd->values[k].name && strcmp(fd->values[k].name, v->name) == 0)
                return true;
        }
    }
    return false;
}

static bool on_loss_path(const onnxlint_model *m, const ol_node *node)
{
    for (size_t l = 0; l < m->n_losses; l++) {
        const ol_loss_record *r = &m->losses[l];
        if (r->node == node || (r->logits && r->logits->producer == node))
            return true;
        for (size_t i = 0; i < r->n_region; i++) {
            if (r->region[i] == node)
                return true;
        }
    }
    return false;
}

static onnxlint_status dot_write(onnxlint_model *m, const char *around, int depth, bool forward,
                                 onnxlint_write_fn write, void *write_ctx, onnxlint_error *err)
{
    if (!m || !write)
        return ONNXLINT_EINVAL;
    const ol_graph *g = m->graph;
    bool *keep = ol_arena_calloc(&m->arena, g->n_nodes + 1, sizeof *keep);
    uint8_t *part = forward ? ol_arena_calloc(&m->arena, g->n_nodes + 1, 1) : NULL;
    if (!keep || (forward && !part))
        return ONNXLINT_ENOMEM;
    if (around) {
        if (!keep_nodes(m, around, depth, keep, err))
            return err && err->status == ONNXLINT_EINVAL ? ONNXLINT_EINVAL : ONNXLINT_ENOMEM;
    } else {
        for (size_t i = 0; i < g->n_nodes; i++)
            keep[i] = true;
    }
    if (part)
        ol_forward_nodes(m, part);
    size_t kept = 0; /* the first OL_MAX_DOT_NODES of what is asked for */
    for (size_t i = 0; i < g->n_nodes; i++) {
        keep[i] = keep[i] && (!part || part[i]) && (around || kept < OL_MAX_DOT_NODES);
        kept += keep[i];
    }
    ol_sink out;
    ol_out_init(&out, write, write_ctx);
    ol_out_printf(&out, "digraph onnxlint {\n  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", "
                        "fillcolor=\"#f5f5f5\", fontname=\"Helvetica\", fontsize=10];\n"
                        "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#777777\"];\n  label=\"");
    dot_string(&out, m->path);
    ol_out_printf(&out, "\";\n");
    char idx[32], type[512];
    /* graph inputs and outputs */
    for (size_t i = 0; i < g->n_inputs; i++) {
        const ol_value *v = g->inputs[i];
        if (v->flags & OL_VALUE_INITIALIZER)
            continue;
        if (around && !read_by_kept(g, v, keep))
            continue;
        bool labels = false;
        for (size_t l = 0; l < m->n_losses; l++)
            labels |= m->losses[l].labels_input == v;
        type_label(m, v, type, sizeof type);
        ol_out_printf(&out, "  \"in:");
        dot_string(&out, v->name);
        ol_out_printf(&out, "\" [shape=ellipse, fillcolor=\"%s\", label=\"", labels ? "#cfe2ff" : "#e8f5e9");
        dot_string(&out, v->name);
        ol_out_bytes(&out, "\\n", 2);
        dot_string(&out, type);
        ol_out_printf(&out, "%s\"];\n", labels ? "\\n(labels)" : "");
    }
    /* initializers a finding is about */
    bool *drawn = ol_arena_calloc(&m->arena, g->n_inputs + g->n_initializers + 1, sizeof *drawn);
    for (size_t i = 0; drawn && i < g->n_initializers; i++) {
        const ol_value *v = g->initializers[i];
        if ((v->flags & OL_VALUE_INPUT) || !read_by_kept(g, v, keep) || !finding_about(m, v))
            continue;
        drawn[i] = true;
        type_label(m, v, type, sizeof type);
        ol_out_printf(&out, "  \"init:");
        dot_string(&out, v->name);
        ol_out_printf(&out, "\" [shape=note, color=\"#c62828\", fontcolor=\"#c62828\", fillcolor=\"#ffebee\", "
                            "label=\"");
        dot_string(&out, v->name);
        ol_out_printf(&out, "\\n%s\\n(initializer)\"];\n", type);
    }
    for (size_t i = 0; i < g->n_outputs; i++) {
        if (around && (!g->outputs[i]->producer || g->outputs[i]->producer->graph != g ||
                       !keep[g->outputs[i]->producer->index]))
            continue;
        ol_out_printf(&out, "  \"out:");
        dot_string(&out, g->outputs[i]->name);
        ol_out_printf(&out, "\" [shape=ellipse, fillcolor=\"#fff3e0\", label=\"");
        dot_string(&out, g->outputs[i]->name);
        ol_out_printf(&out, "\"];\n");
    }
    /* nodes */
    size_t shown = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (!keep[i])
            continue;
        shown++;
        const ol_node *node = g->nodes[i];
        const char *name = ol_node_display_name(node, idx, sizeof idx);
        char rules[256] = "";
        size_t used = 0;
        for (size_t f = 0; f < m->n_findings; f++) {
            const ol_finding *fd = &m->findings[f];
            if (!fd->dropped && fd->node && strcmp(fd->node, name) == 0 && fd->severity >= ONNXLINT_WARNING &&
                used < sizeof rules - 40)
                used += (size_t)snprintf(rules + used, sizeof rules - used, "\\n%s", fd->rule);
        }
        bool loss = on_loss_path(m, node);
        ol_out_printf(&out, "  \"n%zu\" [label=\"", i);
        dot_string(&out, node->op_type);
        ol_out_bytes(&out, "\\n", 2);
        dot_string(&out, name);
        ol_out_printf(&out, "%s\"", rules);
        if (rules[0])
            ol_out_printf(&out, ", color=\"#c62828\", fontcolor=\"#c62828\", fillcolor=\"#ffebee\", penwidth=2");
        else if (loss)
            ol_out_printf(&out, ", color=\"#1565c0\", fillcolor=\"#e3f2fd\", penwidth=2");
        ol_out_printf(&out, "];\n");
    }
    /* edges: producer (or graph input) -> consumer, labelled with the type */
    for (size_t i = 0; i < g->n_nodes; i++) {
        if (!keep[i])
            continue;
        const ol_node *node = g->nodes[i];
        for (size_t k = 0; k < node->n_inputs; k++) {
            const ol_value *v = node->inputs[k];
            if (!v)
                continue;
            if (v->flags & OL_VALUE_INITIALIZER && !(v->flags & OL_VALUE_INPUT)) {
                bool shown_init = false;
                for (size_t z = 0; drawn && z < g->n_initializers && !shown_init; z++)
                    shown_init = drawn[z] && g->initializers[z] == v;
                if (!shown_init)
                    continue;
                type_label(m, v, type, sizeof type);
                ol_out_printf(&out, "  \"init:");
                dot_string(&out, v->name);
                ol_out_printf(&out, "\" -> \"n%zu\" [label=\"%s\", color=\"#c62828\"];\n", i, type);
                continue;
            }
            type_label(m, v, type, sizeof type);
            if (v->producer && v->producer->graph == g) {
                if (!keep[v->producer->index])
                    continue;
                ol_out_printf(&out, "  \"n%zu\" -> \"n%zu\"", (size_t)v->producer->index, i);
            } else if (v->flags & OL_VALUE_INPUT) {
                ol_out_printf(&out, "  \"in:");
                dot_string(&out, v->name);
                ol_out_printf(&out, "\" -> \"n%zu\"", i);
            } else {
                continue;
            }
            bool loss = on_loss_path(m, node) && v->producer && on_loss_path(m, v->producer);
            ol_out_printf(&out, " [label=\"");
            dot_string(&out, type);
            ol_out_printf(&out, "\"%s];\n", loss ? ", color=\"#1565c0\", penwidth=2" : "");
        }
    }
    for (size_t i = 0; i < g->n_outputs; i++) {
        const ol_value *v = g->outputs[i];
        if (!v->producer || v->producer->graph != g || !keep[v->producer->index])
            continue;
        type_label(m, v, type, sizeof type);
        ol_out_printf(&out, "  \"n%zu\" -> \"out:", (size_t)v->producer->index);
        dot_string(&out, v->name);
        ol_out_printf(&out, "\" [label=\"");
        dot_string(&out, type);
        ol_out_printf(&out, "\"];\n");
    }
    if (!around && !part && g->n_nodes > shown)
        ol_out_printf(&out, "  \"more\" [shape=plaintext, label=\"... %zu more nodes: use --around NODE --depth K\"];\n",
                      g->n_nodes - shown);
    ol_out_printf(&out, "}\n");
    if (!ol_out_flush(&out)) {
        if (err) {
            err->status = ONNXLINT_EWRITE;
            snprintf(err->message, sizeof err->message, "dot: write error");
        }
        return ONNXLINT_EWRITE;
    }
    return ONNXLINT_OK;
}

onnxlint_status onnxlint_dot_write(onnxlint_model *m, const char *around, int depth, onnxlint_write_fn write,
                                   void *write_ctx, onnxlint_error *err)
{
    return dot_write(m, around, depth, false, write, write_ctx, err);
}

onnxlint_status onnxlint_dot_write_forward(onnxlint_model *m, const char *around, int depth,
                                           onnxlint_write_fn write, void *write_ctx, onnxlint_error *err)
{
    return dot_write(m, around, depth, true, write, write_ctx, err);
}
