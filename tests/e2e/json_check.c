/*
 * json_check.c - reads JSON on stdin; exits 0 when it parses as one JSON
 * document whose top level is an object holding every key named on the
 * command line, else prints why and exits 1.
 */
#include <jansson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    json_error_t error;
    json_t *root = json_loadf(stdin, 0, &error);
    if (!root) {
        fprintf(stderr, "json_check: invalid JSON at line %d: %s\n", error.line, error.text);
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (!json_is_object(root) || !json_object_get(root, argv[i])) {
            fprintf(stderr, "json_check: missing key '%s'\n", argv[i]);
            rc = 1;
        }
    }
    json_decref(root);
    return rc;
}
