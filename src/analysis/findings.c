/*
 * findings.c - building findings in the model's arena.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analysis/findings.h"
#include "util/text.h"

ol_finding *ol_finding_add(onnxlint_model *m, const char *rule, const ol_node *node, const char *fmt, ...)
{
    if (m->n_findings == m->findings_cap) {
        size_t cap = m->findings_cap ? m->findings_cap * 2 : 16;
        ol_finding *f = ol_arena_calloc(&m->arena, cap, sizeof *f);
        if (!f)
            return NULL;
        if (m->n_findings)
            memcpy(f, m->findings, m->n_findings * sizeof *f);
        m->findings = f;
        m->findings_cap = cap;
    }
    ol_finding *f = &m->findings[m->n_findings++];
    memset(f, 0, sizeof *f);
    const ol_rule *r = ol_rule_find(rule);
    f->rule = rule;
    f->severity = r ? r->severity : ONNXLINT_ERROR;
    f->confirmed = -1;
    if (node) {
        char idx[32];
        f->node = ol_arena_strndup(&m->arena, ol_node_display_name(node, idx, sizeof idx),
                                   strlen(ol_node_display_name(node, idx, sizeof idx)));
        f->op_type = node->op_type;
    }
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    f->message = ol_arena_strndup(&m->arena, buf, strlen(buf));
    return f;
}

const char *ol_finding_printf(onnxlint_model *m, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return ol_arena_strndup(&m->arena, buf, strlen(buf));
}

void ol_finding_value_add(ol_finding *f, const char *role, const ol_value *v, const ol_type *type, const char *note)
{
    if (!f || f->n_values >= OL_MAX_FINDING_VALUES)
        return;
    ol_finding_value *fv = &f->values[f->n_values++];
    fv->role = role;
    fv->name = v ? v->name : NULL;
    if (type)
        fv->type = *type;
    else if (v)
        fv->type = *ol_value_type(v);
    else
        fv->type.shape.rank = OL_RANK_UNKNOWN;
    fv->note = note;
}
