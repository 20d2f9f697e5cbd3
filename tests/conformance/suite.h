/*
 * suite.h - what the conformance runners share: the models of ONNX's
 * backend test suite (suite/test/model.onnx), found below the folders
 * given on the command line and taken in name order.
 */
#ifndef OL_CONFORMANCE_SUITE_H
#define OL_CONFORMANCE_SUITE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct suite_list {
    char **paths;
    size_t n, cap;
} suite_list;

/* Adds every model.onnx below dir, at most three folders down: the
 * file's path, or its folder's when folders is true (a runner that also
 * reads the test's data sets). */
void suite_collect(suite_list *l, const char *dir, bool folders);

/* Keeps the paths that hold filter (all of them when it is NULL), in name
 * order, so every run reports in the same order. */
void suite_select(suite_list *l, const char *filter);

void suite_free(suite_list *l);

#endif
