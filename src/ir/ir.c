/*
 * ir.c - small queries on the graph IR that every room needs.
 */
#include "ir/ir.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

int64_t ol_opset_version(const ol_opset *opsets, size_t n, const char *domain)
{
    if (strcmp(domain, "ai.onnx") == 0)
        domain = "";
    for (size_t i = 0; i < n; i++) {
        if (strcmp(opsets[i].domain, domain) == 0)
            return opsets[i].version;
    }
    return 0;
}

const ol_type ol_type_none = {.kind = OL_TYPE_NONE, .shape = {.rank = OL_RANK_UNKNOWN}};

static const Onnx__AttributeProto *find_attribute(Onnx__AttributeProto *const *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (attrs[i]->name && strcmp(attrs[i]->name, name) == 0)
            return attrs[i];
    }
    return NULL;
}

/* What an attribute reference (ref_attr_name) of a node in a function body
 * stands for: the calling node's attribute of that name, else the
 * function's default (FunctionProto.attribute_proto), else nothing.  With
 * no call under way (the body on its own) the reference stays as it is. */
static const Onnx__AttributeProto *resolve_reference(const ol_node *node, const Onnx__AttributeProto *a, int depth)
{
    const ol_graph *g = node->graph;
    while (g && !g->function)
        g = g->parent;
    if (!g || !g->caller || depth > OL_MAX_FUNCTION_NESTING)
        return a;
    const ol_node *caller = g->caller;
    const Onnx__AttributeProto *given =
        find_attribute(caller->attributes, caller->n_attributes, a->ref_attr_name);
    if (given)
        return given->ref_attr_name ? resolve_reference(caller, given, depth + 1) : given;
    const Onnx__FunctionProto *fp = g->function->proto;
    return fp ? find_attribute(fp->attribute_proto, fp->n_attribute_proto, a->ref_attr_name) : NULL;
}

const Onnx__AttributeProto *ol_node_attribute(const ol_node *node, const char *name)
{
    const Onnx__AttributeProto *a = find_attribute(node->attributes, node->n_attributes, name);
    return a && a->ref_attr_name && a->ref_attr_name[0] ? resolve_reference(node, a, 0) : a;
}

int64_t ol_node_attribute_int(const ol_node *node, const char *name, int64_t fallback)
{
    const Onnx__AttributeProto *a = ol_node_attribute(node, name);
    if (!a || !a->has_i || (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT))
        return fallback;
    return a->i;
}

const char *ol_node_display_name(const ol_node *node, char *buf, size_t len)
{
    if (node->name[0])
        return node->name;
    snprintf(buf, len, "#%zu", (size_t)node->index);
    return buf;
}

ol_value *ol_graph_lookup(const ol_graph *graph, const char *name)
{
    for (; graph; graph = graph->parent) {
        ol_value *v = ol_map_get(&graph->values, name);
        if (v)
            return v;
    }
    return NULL;
}

static const struct {
    const char *name;
    unsigned bits;
} elem_types[OL_ELEM_MAX + 1] = {
    [1] = {"float", 32},        [2] = {"uint8", 8},          [3] = {"int8", 8},
    [4] = {"uint16", 16},       [5] = {"int16", 16},         [6] = {"int32", 32},
    [7] = {"int64", 64},        [8] = {"string", 0},         [9] = {"bool", 8},
    [10] = {"float16", 16},     [11] = {"double", 64},       [12] = {"uint32", 32},
    [13] = {"uint64", 64},      [14] = {"complex64", 64},    [15] = {"complex128", 128},
    [16] = {"bfloat16", 16},    [17] = {"float8e4m3fn", 8},  [18] = {"float8e4m3fnuz", 8},
    [19] = {"float8e5m2", 8},   [20] = {"float8e5m2fnuz", 8}, [21] = {"uint4", 4},
    [22] = {"int4", 4},         [23] = {"float4e2m1", 4},    [24] = {"float8e8m0", 8},
    [25] = {"uint2", 2},        [26] = {"int2", 2},
};

const char *ol_elem_type_name(int32_t elem_type)
{
    if (elem_type <= 0 || elem_type > OL_ELEM_MAX)
        return NULL;
    return elem_types[elem_type].name;
}

unsigned ol_elem_type_bits(int32_t elem_type)
{
    if (elem_type <= 0 || elem_type > OL_ELEM_MAX)
        return 0;
    return elem_types[elem_type].bits;
}

bool ol_dims_count(const int64_t *dims, size_t rank, uint64_t *count)
{
    uint64_t n = 1;
    for (size_t i = 0; i < rank; i++) {
        if (dims[i] < 0)
            return false;
        uint64_t d = (uint64_t)dims[i];
        if (d && n > (uint64_t)INT64_MAX / d)
            return false;
        n *= d;
    }
    *count = n;
    return true;
}

/* Appends to buf at *pos without overrunning cap. */
static void put(char *buf, size_t cap, size_t *pos, const char *s)
{
    size_t len = strlen(s);
    if (*pos + 1 >= cap)
        return;
    size_t room = cap - 1 - *pos;
    if (len > room)
        len = room;
    memcpy(buf + *pos, s, len);
    *pos += len;
    buf[*pos] = '\0';
}

static void type_text(const ol_type *t, char *buf, size_t cap, size_t *pos, int depth)
{
    char tmp[256];
    if (!t || t->kind == OL_TYPE_NONE || depth > 16) {
        put(buf, cap, pos, "?");
        return;
    }
    switch (t->kind) {
    case OL_TYPE_TENSOR:
    case OL_TYPE_SPARSE_TENSOR: {
        const char *name = ol_elem_type_name(t->elem_type);
        if (t->kind == OL_TYPE_SPARSE_TENSOR)
            put(buf, cap, pos, "sparse ");
        put(buf, cap, pos, name ? name : "?");
        if (t->shape.rank == OL_RANK_UNKNOWN) {
            put(buf, cap, pos, "[...]");
            return;
        }
        put(buf, cap, pos, "[");
        for (int i = 0; i < t->shape.rank; i++) {
            const ol_dim *d = &t->shape.dims[i];
            if (i)
                put(buf, cap, pos, ",");
            if (d->kind == OL_DIM_VALUE) {
                ol_format_i64(tmp, d->value);
                put(buf, cap, pos, tmp);
            } else if (d->kind == OL_DIM_SYMBOL) {
                size_t len = strlen(d->symbol);
                if (ol_is_plain(d->symbol, len)) {
                    put(buf, cap, pos, d->symbol);
                } else {
                    ol_escape(tmp, sizeof tmp, d->symbol, len, false);
                    put(buf, cap, pos, tmp);
                }
            } else {
                put(buf, cap, pos, "?");
            }
        }
        put(buf, cap, pos, "]");
        return;
    }
    case OL_TYPE_SEQUENCE:
        put(buf, cap, pos, "seq(");
        type_text(t->elem, buf, cap, pos, depth + 1);
        put(buf, cap, pos, ")");
        return;
    case OL_TYPE_OPTIONAL:
        put(buf, cap, pos, "optional(");
        type_text(t->elem, buf, cap, pos, depth + 1);
        put(buf, cap, pos, ")");
        return;
    case OL_TYPE_MAP: {
        const char *key = ol_elem_type_name(t->key_type);
        put(buf, cap, pos, "map(");
        put(buf, cap, pos, key ? key : "?");
        put(buf, cap, pos, ",");
        type_text(t->elem, buf, cap, pos, depth + 1);
        put(buf, cap, pos, ")");
        return;
    }
    default:
        put(buf, cap, pos, "?");
    }
}

char *ol_type_text(const ol_type *type, char *buf, size_t cap)
{
    size_t pos = 0;
    if (cap)
        buf[0] = '\0';
    type_text(type, buf, cap, &pos, 0);
    return buf;
}

