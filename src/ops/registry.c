/*
 * registry.c - finding an operator's schema row and inference function.
 *
 * Schema rows are data: generated from ONNX's definitions (schemas.inc,
 * sorted by domain, name, since_version) plus the rows of newer opsets
 * that the bundled ONNX does not define (schemas_newer.inc, same order),
 * and ONNX Runtime's own operators (schemas_contrib.inc: com.microsoft and
 * its registrations in the default domain, same order).
 * Inference functions are in each family's table, sorted by name.  Both
 * are searched with bsearch: no global state, nothing to initialise.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/families.h"
#include "eval/eval.h"
#include "ops/op.h"

#include "ops/schemas.inc"
#include "ops/schemas_newer.inc"
#include "ops/schemas_contrib.inc"

static int cmp_key(const char *domain, const char *name, const ol_schema *row)
{
    int c = strcmp(domain, row->domain);
    return c ? c : strcmp(name, row->name);
}

/* The newest row of (domain, name) with since_version <= version in one
 * sorted table, or NULL. */
static const ol_schema *find_in(const ol_schema *rows, size_t n, const char *domain, const char *name,
                                int64_t version)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first row >= (domain, name) */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(domain, name, &rows[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const ol_schema *best = NULL;
    for (size_t i = lo; i < n && cmp_key(domain, name, &rows[i]) == 0; i++) {
        if (rows[i].since_version <= version)
            best = &rows[i];
    }
    return best;
}

const ol_schema *ol_schema_find(const char *domain, const char *name, int64_t version)
{
    if (strcmp(domain, "ai.onnx") == 0)
        domain = "";
    const ol_schema *a = find_in(generated_schemas, sizeof generated_schemas / sizeof *generated_schemas, domain,
                                 name, version);
    const ol_schema *b = find_in(newer_schemas, sizeof newer_schemas / sizeof *newer_schemas, domain, name, version);
    if (a && b)
        a = b->since_version >= a->since_version ? b : a;
    else if (!a)
        a = b;
    /* ONNX Runtime's rows: an ONNX row of the same name wins from its
     * since_version on (LayerNormalization is ONNX's from opset 17). */
    const ol_schema *c = find_in(contrib_schemas, sizeof contrib_schemas / sizeof *contrib_schemas, domain, name,
                                 version);
    return a && (!c || a->since_version >= c->since_version) ? a : c;
}

bool ol_schema_is_runtime(const ol_schema *schema)
{
    const ol_schema *end = contrib_schemas + sizeof contrib_schemas / sizeof *contrib_schemas;
    return schema >= contrib_schemas && schema < end;
}

static int cmp_entry(const void *key, const void *elem)
{
    const ol_op_entry *k = key, *e = elem;
    int c = strcmp(k->domain, e->domain);
    return c ? c : strcmp(k->name, e->name);
}

static const ol_op_entry *entry_find(const char *domain, const char *name)
{
    if (strcmp(domain, "ai.onnx") == 0)
        domain = "";
    ol_op_entry key = {domain, name, NULL, NULL};
    for (size_t f = 0; ol_families[f]; f++) {
        const ol_op_entry *e = bsearch(&key, ol_families[f]->entries, ol_families[f]->count, sizeof *e, cmp_entry);
        if (e)
            return e;
    }
    return NULL;
}

ol_kernel_fn ol_kernel_find(const char *domain, const char *name)
{
    const ol_op_entry *e = entry_find(domain, name);
    return e ? e->kernel : NULL;
}

ol_infer_fn ol_infer_find(const char *domain, const char *name)
{
    const ol_op_entry *e = entry_find(domain, name);
    return e ? e->infer : NULL;
}
