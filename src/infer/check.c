/*
 * check.c - the generic checker: a node against its schema row.
 *
 * Runs before the operator's inference function so that the function can
 * trust arity, attribute types and element types.  Everything here is
 * driven by the row's data; no operator is named.
 *
 * Findings: type-error (wrong arity, a missing required input or
 * attribute, an unknown attribute, an attribute of the wrong type, an
 * element type outside its constraint, two inputs of one constraint with
 * different element types).
 */
#include <stdio.h>
#include <string.h>

#include "infer/check.h"
#include "infer/infer.h"
#include "util/text.h"

static const char *attr_type_name(int t)
{
    static const char *names[] = {"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS", "INTS",
                                  "STRINGS", "TENSORS", "GRAPHS", "SPARSE_TENSOR", "SPARSE_TENSORS", "TYPE_PROTO",
                                  "TYPE_PROTOS"};
    return t >= 0 && t < (int)(sizeof names / sizeof *names) ? names[t] : "?";
}

/* The formal parameter an actual position i maps to (the last one repeats
 * when variadic), or NULL. */
static const ol_formal *formal_of(const ol_formal *formals, size_t n, size_t i)
{
    if (n == 0)
        return NULL;
    if (i < n)
        return &formals[i];
    return formals[n - 1].option == OL_FORMAL_VARIADIC ? &formals[n - 1] : NULL;
}

/* Number of actual inputs, trailing omitted ones not counted. */
static size_t actual_count(ol_value *const *values, size_t n)
{
    while (n && !values[n - 1])
        n--;
    return n;
}

static bool elem_allowed(const ol_type_constraint *c, const ol_type *t)
{
    if (!t || t->kind == OL_TYPE_NONE)
        return true;
    uint32_t mask;
    int32_t elem;
    switch (t->kind) {
    case OL_TYPE_TENSOR:
        mask = c->tensor;
        elem = t->elem_type;
        break;
    case OL_TYPE_SEQUENCE:
        mask = c->sequence;
        elem = t->elem && t->elem->kind == OL_TYPE_TENSOR ? t->elem->elem_type : 0;
        break;
    case OL_TYPE_OPTIONAL:
        if (!t->elem)
            return true;
        mask = t->elem->kind == OL_TYPE_SEQUENCE ? c->optional_sequence : c->optional_tensor;
        elem = t->elem->kind == OL_TYPE_TENSOR ? t->elem->elem_type
               : t->elem->elem && t->elem->elem->kind == OL_TYPE_TENSOR ? t->elem->elem->elem_type
                                                                         : 0;
        break;
    default:
        return true; /* maps, sparse tensors: not constrained here */
    }
    if (!c->tensor && !c->sequence && !c->optional_tensor && !c->optional_sequence)
        return true; /* an unconstrained parameter */
    if (!mask)
        return false; /* the kind itself is not allowed */
    return elem <= 0 || elem > 31 || (mask & (1u << elem));
}

bool ol_schema_takes_input(const ol_schema *s, size_t i, int32_t elem_type)
{
    const ol_formal *f = s ? formal_of(s->inputs, s->n_inputs, i) : NULL;
    if (!f || f->constraint == 255 || f->constraint >= s->n_constraints)
        return true;
    ol_type t = {.kind = OL_TYPE_TENSOR, .elem_type = elem_type};
    return elem_allowed(&s->constraints[f->constraint], &t);
}

static const char *kind_text(const ol_type *t, char *buf, size_t cap)
{
    return ol_type_text(t, buf, cap);
}

static uint64_t check_rules(ol_ctx *ctx);

/* The memo key of ctx's node into *key: false when the node is not one a
 * memo may stand for (attributes, more than OL_CHECK_MEMO_INPUTS inputs,
 * an input that is not a tensor), whose check depends on more than the
 * key holds. */
static bool memo_key(const ol_ctx *ctx, ol_check_memo *key)
{
    const ol_node *node = ctx->node;
    if (node->n_attributes || node->n_inputs > OL_CHECK_MEMO_INPUTS)
        return false;
    memset(key, 0, sizeof *key);
    key->schema = ctx->schema;
    key->n_inputs = node->n_inputs;
    key->n_outputs = node->n_outputs;
    for (size_t i = 0; i < node->n_inputs; i++) {
        const ol_type *t = node->inputs[i] ? ol_value_type(node->inputs[i]) : NULL;
        if (t && t->kind != OL_TYPE_TENSOR && t->kind != OL_TYPE_NONE)
            return false;
        key->kinds[i] = t ? t->kind : 0xff;
        key->elems[i] = t ? t->elem_type : 0;
    }
    return true;
}

static ol_check_memo *memo_slot(const ol_ctx *ctx)
{
    uint64_t h = (uint64_t)(uintptr_t)ctx->schema * 0x9e3779b97f4a7c15ull; /* rows lie a fixed stride apart */
    return &ctx->infer->check_memo[(h >> 32) % OL_CHECK_MEMO_SIZE];
}

uint64_t ol_check_node(ol_ctx *ctx)
{
    /* A node of the same row, counts and input types as one found clean
     * is clean: its check reads nothing else (a graph repeats a few such
     * shapes thousands of times). */
    ol_check_memo key;
    bool memo = !ctx->infer->options.no_check_memo && memo_key(ctx, &key);
    if (memo && memcmp(memo_slot(ctx), &key, sizeof key) == 0)
        return 0;
    size_t errors = ctx->infer->errors_raised;
    uint64_t conflicts = check_rules(ctx);
    if (memo && !conflicts && ctx->infer->errors_raised == errors)
        memcpy(memo_slot(ctx), &key, sizeof key); /* padding too: compared by memcmp */
    return conflicts;
}

static uint64_t check_rules(ol_ctx *ctx)
{
    uint64_t conflicts = 0;
    const ol_node *node = ctx->node;
    const ol_schema *s = ctx->schema;
    size_t n_in = actual_count(node->inputs, node->n_inputs);
    size_t n_out = node->n_outputs;
    char buf[256], buf2[256];

    if (n_in < s->min_inputs || (s->max_inputs != 255 && n_in > s->max_inputs)) {
        if (s->max_inputs == 255)
            snprintf(buf, sizeof buf, "at least %u", s->min_inputs);
        else
            snprintf(buf, sizeof buf, "%u to %u", s->min_inputs, s->max_inputs);
        ol_error(ctx, "type-error", "%zu inputs, opset %lld takes %s", n_in, (long long)node->opset, buf);
    }
    if (n_out < s->min_outputs || (s->max_outputs != 255 && n_out > s->max_outputs)) {
        if (s->max_outputs == 255)
            snprintf(buf, sizeof buf, "at least %u", s->min_outputs);
        else
            snprintf(buf, sizeof buf, "%u to %u", s->min_outputs, s->max_outputs);
        ol_error(ctx, "type-error", "%zu outputs, opset %lld gives %s", n_out, (long long)node->opset, buf);
    }
    for (size_t i = 0; i < s->n_inputs && i < n_in; i++) {
        if (s->inputs[i].option == OL_FORMAL_SINGLE && !node->inputs[i])
            ol_error(ctx, "type-error", "required input %zu is empty", i);
    }

    /* Attributes: known names, declared types, required ones present. */
    for (size_t i = 0; i < node->n_attributes; i++) {
        const Onnx__AttributeProto *a = node->attributes[i];
        const ol_attr_spec *spec = NULL;
        bool unchecked = false; /* the row's "*": other attributes are the operator's business */
        for (const ol_attr_spec *p = s->attributes; p && p->name; p++) {
            if (a->name && strcmp(p->name, a->name) == 0)
                spec = p;
            unchecked |= strcmp(p->name, "*") == 0;
        }
        if (!spec && unchecked)
            continue;
        char shown[128];
        ol_escape(shown, sizeof shown, a->name ? a->name : "", a->name ? strlen(a->name) : 0, false);
        if (!spec) {
            ol_error(ctx, "type-error", "unknown attribute '%s' for opset %lld", shown, (long long)node->opset);
            continue;
        }
        if (a->has_type && (int)a->type != (int)spec->type && !a->ref_attr_name)
            ol_error(ctx, "type-error", "attribute '%s' is %s, the schema says %s", shown, attr_type_name(a->type),
                     attr_type_name(spec->type));
    }
    for (const ol_attr_spec *p = s->attributes; p && p->name; p++) {
        if (p->required && !ol_node_attribute(node, p->name))
            ol_error(ctx, "type-error", "required attribute '%s' is missing", p->name);
    }

    /* Element types: each within its constraint, one type per constraint. */
    int32_t first_elem[256];
    size_t first_input[256]; /* read only where first_elem is set */
    memset(first_elem, 0, s->n_constraints * sizeof *first_elem);
    for (size_t i = 0; i < n_in; i++) {
        const ol_formal *f = formal_of(s->inputs, s->n_inputs, i);
        if (!f || f->constraint == 255 || f->constraint >= s->n_constraints || !node->inputs[i])
            continue;
        const ol_type *t = ol_value_type(node->inputs[i]);
        if (!elem_allowed(&s->constraints[f->constraint], t)) {
            ol_error(ctx, "type-error", "input %zu '%s' has type %s, which this operator does not take", i,
                     ol_in_name(ctx, i), kind_text(t, buf, sizeof buf));
            continue;
        }
        if (t->kind != OL_TYPE_TENSOR || !t->elem_type || (f->option == OL_FORMAL_VARIADIC && !f->homogeneous))
            continue;
        int32_t *seen = &first_elem[f->constraint];
        if (!*seen) {
            *seen = t->elem_type;
            first_input[f->constraint] = i;
        } else if (*seen != t->elem_type) {
            const ol_type *t0 = ol_value_type(node->inputs[first_input[f->constraint]]);
            if (f->constraint < 64)
                conflicts |= (uint64_t)1 << f->constraint;
            ol_error(ctx, "type-error", "inputs '%s' (%s) and '%s' (%s) must have the same element type",
                     ol_in_name(ctx, first_input[f->constraint]), kind_text(t0, buf, sizeof buf), ol_in_name(ctx, i),
                     kind_text(t, buf2, sizeof buf2));
        }
    }
    return conflicts;
}
