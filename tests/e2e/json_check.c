/*
 * json_check.c - reads JSON on stdin and checks it for the end-to-end
 * scripts (which must not need Python).
 *
 *   json_check KEY...     exit 0 when stdin is one JSON object holding
 *                         every KEY, else print why and exit 1
 *   json_check --findings print "RULE SEVERITY" for each finding of a
 *                         `check --format json` report (one model)
 *   json_check --losses   print each loss's value (or "null") of such a
 *                         report, one a line
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    json_error_t error;
    json_t *root = json_loadf(stdin, 0, &error);
    if (!root) {
        fprintf(stderr, "json_check: invalid JSON at line %d: %s\n", error.line, error.text);
        return 1;
    }
    int rc = 0;
    if (argc == 2 && strcmp(argv[1], "--findings") == 0) {
        json_t *findings = json_object_get(root, "findings");
        size_t i;
        json_t *f;
        if (!json_is_array(findings)) {
            fprintf(stderr, "json_check: no findings array\n");
            rc = 1;
        }
        json_array_foreach(findings, i, f) {
            printf("%s %s\n", json_string_value(json_object_get(f, "rule")),
                   json_string_value(json_object_get(f, "severity")));
        }
    } else if (argc == 2 && strcmp(argv[1], "--losses") == 0) {
        json_t *losses = json_object_get(root, "losses");
        size_t i;
        json_t *l;
        if (!json_is_array(losses)) {
            fprintf(stderr, "json_check: no losses array\n");
            rc = 1;
        }
        json_array_foreach(losses, i, l) {
            json_t *v = json_object_get(l, "value");
            if (json_is_number(v))
                printf("%.6f\n", json_number_value(v));
            else
                printf("null\n");
        }
    } else {
        for (int i = 1; i < argc; i++) {
            if (!json_is_object(root) || !json_object_get(root, argv[i])) {
                fprintf(stderr, "json_check: missing key '%s'\n", argv[i]);
                rc = 1;
            }
        }
    }
    json_decref(root);
    return rc;
}
