/*
 * graph.c - dependency order of a graph's nodes.
 *
 * A node depends on the producers of its inputs and, through its
 * subgraphs, on the producers of every outer value those subgraphs read
 * (at any depth).  Both kinds of edge are gathered once into a compressed
 * successor list, so sorting is linear in nodes plus edges.
 */
#include <string.h>

#include "ir/ir.h"

/* Follows outer references to the value that really holds the data. */
static const ol_value *real_value(const ol_value *v)
{
    while (v && (v->flags & OL_VALUE_OUTER) && v->outer)
        v = v->outer;
    return v;
}

/* The node of graph g that (through its subgraphs, if any) encloses node,
 * or NULL when node is not inside g. */
static ol_node *ancestor_in(const ol_graph *g, ol_node *node)
{
    while (node && node->graph != g)
        node = node->graph->owner;
    return node;
}

typedef void (*edge_fn)(void *ctx, size_t from, size_t to);

/* Calls fn for every dependency edge of node `to` (index in g) whose
 * producer sits in g; sub is a subgraph of that node being scanned.  A
 * value defined inside the node's own subgraphs (an enclosing branch's
 * value read by a nested branch) encloses back to `to` itself: that is
 * scoping, not a dependency. */
static void subgraph_edges(const ol_graph *g, const ol_graph *sub, size_t to, edge_fn fn, void *ctx)
{
    for (size_t i = 0; i < sub->n_outer_refs; i++) {
        const ol_value *v = real_value(sub->outer_refs[i]);
        ol_node *p = v ? ancestor_in(g, v->producer) : NULL;
        if (p && p->graph == g && p->index != to)
            fn(ctx, p->index, to);
    }
    for (size_t i = 0; i < sub->n_nodes; i++) {
        for (size_t k = 0; k < sub->nodes[i]->n_subgraphs; k++)
            subgraph_edges(g, sub->nodes[i]->subgraphs[k], to, fn, ctx);
    }
}

static void node_edges(const ol_graph *g, const ol_node *node, edge_fn fn, void *ctx)
{
    for (size_t k = 0; k < node->n_inputs; k++) {
        const ol_value *v = real_value(node->inputs[k]);
        if (v && v->producer && v->producer->graph == g)
            fn(ctx, v->producer->index, node->index);
    }
    for (size_t k = 0; k < node->n_subgraphs; k++)
        subgraph_edges(g, node->subgraphs[k], node->index, fn, ctx);
}

typedef struct edges {
    size_t *start; /* successors of node i: succ[start[i] .. start[i+1]) */
    size_t *succ;
    size_t *fill;
    size_t *indegree;
} edges;

static void count_edge(void *ctx, size_t from, size_t to)
{
    edges *e = ctx;
    e->start[from + 1]++;
    e->indegree[to]++;
}

static void store_edge(void *ctx, size_t from, size_t to)
{
    edges *e = ctx;
    e->succ[e->fill[from]++] = to;
}

static void check_edge(void *ctx, size_t from, size_t to)
{
    if (from >= to)
        *(bool *)ctx = false;
}

bool ol_graph_sort(ol_arena *arena, ol_graph *g, const bool *forward)
{
    size_t n = g->n_nodes;
    /* Exporters write nodes in order: when every edge goes forward, the
     * file's order is the order, and no edge list is needed. */
    bool sorted = true;
    for (size_t i = 0; i < n && sorted; i++) {
        if (!forward || !forward[i])
            node_edges(g, g->nodes[i], check_edge, &sorted);
    }
    if (sorted) {
        g->order = g->nodes; /* neither changes from here on */
        g->sorted = true;
        g->n_cyclic = 0;
        return true;
    }
    edges e = {0};
    e.start = ol_arena_calloc(arena, n + 1, sizeof *e.start);
    e.indegree = ol_arena_calloc(arena, n + 1, sizeof *e.indegree);
    e.fill = ol_arena_calloc(arena, n + 1, sizeof *e.fill);
    g->order = ol_arena_calloc(arena, n + 1, sizeof *g->order);
    if (!e.start || !e.indegree || !e.fill || !g->order)
        return false;
    for (size_t i = 0; i < n; i++)
        node_edges(g, g->nodes[i], count_edge, &e);
    for (size_t i = 0; i < n; i++)
        e.start[i + 1] += e.start[i];
    e.succ = ol_arena_calloc(arena, e.start[n] + 1, sizeof *e.succ);
    if (!e.succ)
        return false;
    memcpy(e.fill, e.start, n * sizeof *e.fill);
    for (size_t i = 0; i < n; i++)
        node_edges(g, g->nodes[i], store_edge, &e);

    g->sorted = false;
    /* Kahn: the order array doubles as the queue. */
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++) {
        if (e.indegree[i] == 0)
            g->order[tail++] = g->nodes[i];
    }
    while (head < tail) {
        size_t from = g->order[head++]->index;
        for (size_t k = e.start[from]; k < e.start[from + 1]; k++) {
            size_t to = e.succ[k];
            if (--e.indegree[to] == 0)
                g->order[tail++] = g->nodes[to];
        }
    }
    g->n_cyclic = n - tail;
    return true;
}
