/*
 * findings.h - building findings (analysis room only).
 */
#ifndef OL_FINDINGS_H
#define OL_FINDINGS_H

#include "analysis/analysis.h"

/* Appends a finding of rule at node (may be NULL) with a formatted
 * message; severity from the catalog.  NULL when memory ran out. */
ol_finding *ol_finding_add(onnxlint_model *m, const char *rule, const ol_node *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A formatted string in the model's arena (NULL when memory ran out). */
const char *ol_finding_printf(onnxlint_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Attaches a value (its type as given, else its current type). */
void ol_finding_value_add(ol_finding *f, const char *role, const ol_value *v, const ol_type *type, const char *note);

#endif
