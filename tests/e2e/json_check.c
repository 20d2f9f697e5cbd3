/*
 * json_check.c - reads JSON on stdin and checks it for the end-to-end
 * scripts (which must not need Python).
 *
 *   json_check KEY...     exit 0 when stdin is one JSON object holding
 *                         every KEY, else print why and exit 1
 *   json_check --findings print "RULE SEVERITY" for each finding of a
 *                         `check --format json` report (of every model)
 *   json_check --losses   print each loss's value (or "null") of such a
 *                         report, one a line
 *   json_check --lines    exit 0 when every line of stdin is one JSON
 *                         object (JSON Lines); print how many
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void print_findings(json_t *model, int *rc)
{
    json_t *findings = json_object_get(model, "findings");
    size_t i;
    json_t *f;
    if (!json_is_array(findings)) {
        fprintf(stderr, "json_check: no findings array\n");
        *rc = 1;
    }
    json_array_foreach(findings, i, f) {
        printf("%s %s\n", json_string_value(json_object_get(f, "rule")),
               json_string_value(json_object_get(f, "severity")));
    }
}

static void print_losses(json_t *model, int *rc)
{
    json_t *losses = json_object_get(model, "losses");
    size_t i;
    json_t *l;
    if (!json_is_array(losses)) {
        fprintf(stderr, "json_check: no losses array\n");
        *rc = 1;
    }
    json_array_foreach(losses, i, l) {
        json_t *v = json_object_get(l, "value");
        if (json_is_number(v))
            printf("%.6f\n", json_number_value(v));
        else
            printf("null\n");
    }
}

static int check_lines(void)
{
    char line[1 << 16];
    int n = 0;
    while (fgets(line, sizeof line, stdin)) {
        json_error_t error;
        size_t len = strlen(line);
        if (!len || line[len - 1] != '\n') {
            fprintf(stderr, "json_check: line %d is not one line\n", n + 1);
            return 1;
        }
        json_t *v = json_loads(line, 0, &error);
        if (!json_is_object(v)) {
            fprintf(stderr, "json_check: line %d is not a JSON object: %s\n", n + 1, error.text);
            json_decref(v);
            return 1;
        }
        json_decref(v);
        n++;
    }
    printf("%d\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--lines") == 0)
        return check_lines();
    json_error_t error;
    json_t *root = json_loadf(stdin, 0, &error);
    if (!root) {
        fprintf(stderr, "json_check: invalid JSON at line %d: %s\n", error.line, error.text);
        return 1;
    }
    int rc = 0;
    bool findings = argc == 2 && strcmp(argv[1], "--findings") == 0;
    if (findings || (argc == 2 && strcmp(argv[1], "--losses") == 0)) {
        /* A report is a list of models (a single object is read as one). */
        size_t k;
        json_t *model;
        if (json_is_object(root)) {
            (findings ? print_findings : print_losses)(root, &rc);
        } else {
            json_array_foreach(root, k, model) {
                (findings ? print_findings : print_losses)(model, &rc);
            }
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
