/*
 * main.c - the onnxlint command line.
 *
 * Parses the arguments against one option table, calls the library, turns
 * its statuses into exit codes and its reports into stdout.  No analysis
 * lives here.
 *
 * Exit codes (also in --help and the README):
 *   0  no finding at or above --fail-on (inspect: the model loaded cleanly)
 *   1  findings at or above --fail-on
 *   2  usage error, or a model that cannot be read or is malformed
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onnxlint/onnxlint.h"

typedef enum exit_code {
    EXIT_CLEAN = 0,
    EXIT_FINDINGS = 1,
    EXIT_ERROR = 2
} exit_code;

enum command {
    CMD_NONE = 0,
    CMD_INSPECT = 1u << 0,
    CMD_SHAPES = 1u << 1,
    CMD_ALL = ~0u
};

enum option_id {
    OPT_FORMAT,
    OPT_HELP,
    OPT_OUTPUT,
    OPT_VERSION,
    OPT_COUNT
};

/* The one option table, sorted by name. */
static const struct option_spec {
    enum option_id id;
    const char *name;
    char short_name;
    const char *metavar; /* NULL: the option takes no value */
    unsigned commands;
    const char *help;
} options[] = {
    {OPT_FORMAT, "format", 'f', "text|json", CMD_INSPECT | CMD_SHAPES, "output format (default: text)"},
    {OPT_HELP, "help", 'h', NULL, CMD_ALL, "show help and exit"},
    {OPT_OUTPUT, "output", 'o', "OUT.onnx", CMD_SHAPES, "also write the model with the inferred shapes as value_info"},
    {OPT_VERSION, "version", 'V', NULL, CMD_ALL, "show the version and exit"},
};

static const struct command_spec {
    const char *name;
    unsigned id;
    const char *synopsis;
    const char *summary;
    const char *examples;
} commands[] = {
    {"inspect", CMD_INSPECT, "inspect MODEL... [--format text|json]",
     "Show what a model is: IR version, producer, opsets, graph inputs and outputs with\n"
     "their types and shapes, initializers (count, parameters, bytes), operators by\n"
     "count, subgraphs, functions and metadata.  Weights are not read.",
     "  onnxlint inspect model.onnx\n"
     "  onnxlint inspect --format json model.onnx | jq '.inputs'\n"},
    {"shapes", CMD_SHAPES, "shapes MODEL [--format text|json] [-o OUT.onnx]",
     "Infer the element type and shape of every value: symbolic dims stay exact\n"
     "expressions (N+5, 2*S, floor((H+1)/2)), small integer tensors computed in the\n"
     "graph (Shape, Gather, Concat...) are evaluated so Reshape and friends get exact\n"
     "shapes, and symbols proved equal are unified and listed.  Contradictions are\n"
     "reported on stderr as shape-error, type-error or declared-shape-mismatch\n"
     "findings naming the node (exit 1).  -o writes the model with the shapes added\n"
     "as value_info (weights copied unchanged).",
     "  onnxlint shapes model.onnx\n"
     "  onnxlint shapes --format json model.onnx | jq '.values[] | select(.kind == \"output\")'\n"
     "  onnxlint shapes model.onnx -o model.shaped.onnx\n"},
};

#define N_OPTIONS (sizeof options / sizeof *options)
#define N_COMMANDS (sizeof commands / sizeof *commands)

static const char exit_codes_help[] = "Exit codes:\n"
                                      "  0  success: the model loaded and nothing at or above --fail-on was found\n"
                                      "  1  findings at or above --fail-on\n"
                                      "  2  usage error, unreadable or malformed model\n";

static void print_options(FILE *f, unsigned command)
{
    fprintf(f, "Options:\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_spec *o = &options[i];
        if (!(o->commands & command))
            continue;
        char left[64];
        snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(f, "  %-28s %s\n", left, o->help);
    }
}

static void print_help(FILE *f, const struct command_spec *c)
{
    if (c) {
        fprintf(f, "Usage: onnxlint %s\n\n%s\n\n", c->synopsis, c->summary);
        print_options(f, c->id);
        fprintf(f, "\nExamples:\n%s\n%s", c->examples, exit_codes_help);
        return;
    }
    fprintf(f, "onnxlint %s - static analysis for ONNX models\n\n"
               "Usage: onnxlint COMMAND [OPTIONS] MODEL...\n\nCommands:\n",
            ONNXLINT_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %.*s\n", commands[i].name, (int)strcspn(commands[i].summary, ".\n"),
                commands[i].summary);
    fprintf(f, "\n");
    print_options(f, CMD_NONE | (CMD_ALL & ~(CMD_INSPECT | CMD_SHAPES)));
    fprintf(f, "\nRun 'onnxlint COMMAND --help' for a command's options and examples.\n\n%s", exit_codes_help);
}

typedef struct parsed {
    const struct command_spec *command;
    const char *values[OPT_COUNT];
    bool set[OPT_COUNT];
    const char **operands;
    int n_operands;
} parsed;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "onnxlint: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'onnxlint --help'.\n");
    return EXIT_ERROR;
}

static const struct option_spec *find_option(const char *arg, const char **value)
{
    *value = NULL;
    if (arg[1] != '-') {
        for (size_t i = 0; i < N_OPTIONS; i++) {
            if (options[i].short_name == arg[1]) {
                if (arg[2])
                    *value = arg + 2;
                return &options[i];
            }
        }
        return NULL;
    }
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0) {
            if (name[len] == '=')
                *value = name + len + 1;
            return &options[i];
        }
    }
    return NULL;
}

/* Returns -1 when parsing succeeded, else the exit code to return. */
static int parse_args(int argc, char **argv, parsed *p)
{
    memset(p, 0, sizeof *p);
    p->operands = calloc((size_t)argc + 1, sizeof *p->operands);
    if (!p->operands)
        return usage_error("%s", "out of memory");
    bool only_operands = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_operands || arg[0] != '-' || arg[1] == '\0') {
            if (!p->command) {
                for (size_t c = 0; c < N_COMMANDS; c++) {
                    if (strcmp(commands[c].name, arg) == 0)
                        p->command = &commands[c];
                }
                if (!p->command)
                    return usage_error("unknown command '%s'", arg);
                continue;
            }
            p->operands[p->n_operands++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_operands = true;
            continue;
        }
        const char *value;
        const struct option_spec *o = find_option(arg, &value);
        if (!o)
            return usage_error("unknown option '%s'", arg);
        if (p->command && !(o->commands & p->command->id))
            return usage_error("option '%s' does not apply to this command", arg);
        if (o->metavar && !value) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", arg);
            value = argv[++i];
        } else if (!o->metavar && value) {
            return usage_error("option '%s' takes no value", arg);
        }
        p->values[o->id] = value;
        p->set[o->id] = true;
    }
    return -1;
}

static int write_stdout(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static void print_diagnostic(void *ctx, const onnxlint_diagnostic *d)
{
    static const char *severities[] = {"note", "warning", "error"};
    const char *path = ctx;
    if (d->node)
        fprintf(stderr, "%s: %s[%s] node '%s': %s\n", path, severities[d->severity], d->code, d->node, d->message);
    else
        fprintf(stderr, "%s: %s[%s]: %s\n", path, severities[d->severity], d->code, d->message);
}

static int cmd_inspect(const parsed *p)
{
    onnxlint_format format = ONNXLINT_FORMAT_TEXT;
    const char *f = p->values[OPT_FORMAT];
    if (f && strcmp(f, "json") == 0)
        format = ONNXLINT_FORMAT_JSON;
    else if (f && strcmp(f, "text") != 0)
        return usage_error("--format takes text or json, not '%s'", f);
    if (p->n_operands == 0)
        return usage_error("%s", "inspect needs a MODEL (see 'onnxlint inspect --help')");
    int code = EXIT_CLEAN;
    for (int i = 0; i < p->n_operands; i++) {
        const char *path = p->operands[i];
        onnxlint_error err;
        onnxlint_model *model = NULL;
        onnxlint_load_options lo = {.on_diagnostic = print_diagnostic, .diagnostic_ctx = (void *)path};
        if (onnxlint_model_load(path, &lo, &model, &err) != ONNXLINT_OK) {
            fprintf(stderr, "%s\n", err.message);
            code = EXIT_ERROR;
            continue;
        }
        if (i && format == ONNXLINT_FORMAT_TEXT)
            fputc('\n', stdout);
        if (onnxlint_inspect_write(model, format, write_stdout, stdout, &err) != ONNXLINT_OK) {
            fprintf(stderr, "onnxlint: %s\n", err.message);
            code = EXIT_ERROR;
        } else if (onnxlint_model_diagnostic_count(model, ONNXLINT_ERROR)) {
            code = EXIT_ERROR; /* the graph is structurally broken */
        }
        onnxlint_model_free(model);
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "onnxlint: cannot write the report\n");
        code = EXIT_ERROR;
    }
    return code;
}

static int cmd_shapes(const parsed *p)
{
    onnxlint_format format = ONNXLINT_FORMAT_TEXT;
    const char *f = p->values[OPT_FORMAT];
    if (f && strcmp(f, "json") == 0)
        format = ONNXLINT_FORMAT_JSON;
    else if (f && strcmp(f, "text") != 0)
        return usage_error("--format takes text or json, not '%s'", f);
    if (p->n_operands != 1)
        return usage_error("%s", "shapes needs exactly one MODEL (see 'onnxlint shapes --help')");
    const char *path = p->operands[0];
    onnxlint_error err;
    onnxlint_model *model = NULL;
    onnxlint_load_options lo = {.on_diagnostic = print_diagnostic, .diagnostic_ctx = (void *)path};
    if (onnxlint_model_load(path, &lo, &model, &err) != ONNXLINT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return EXIT_ERROR;
    }
    int code = EXIT_CLEAN;
    size_t load_errors = onnxlint_model_diagnostic_count(model, ONNXLINT_ERROR);
    if (onnxlint_model_infer(model, &err) != ONNXLINT_OK ||
        onnxlint_shapes_write(model, format, write_stdout, stdout, &err) != ONNXLINT_OK) {
        fprintf(stderr, "onnxlint: %s\n", err.message);
        code = EXIT_ERROR;
    } else if (load_errors) {
        code = EXIT_ERROR; /* structurally broken, as for inspect */
    } else if (onnxlint_model_diagnostic_count(model, ONNXLINT_ERROR)) {
        code = EXIT_FINDINGS;
    }
    const char *out_path = p->values[OPT_OUTPUT];
    if (out_path && code != EXIT_ERROR) {
        FILE *out = fopen(out_path, "wb");
        if (!out) {
            fprintf(stderr, "%s: cannot create: %s\n", out_path, strerror(errno));
            code = EXIT_ERROR;
        } else {
            bool ok = onnxlint_model_write_with_shapes(model, write_stdout, out, &err) == ONNXLINT_OK;
            if (fclose(out) != 0 || !ok) {
                fprintf(stderr, "%s: cannot write the model\n", out_path);
                code = EXIT_ERROR;
            }
        }
    }
    onnxlint_model_free(model);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "onnxlint: cannot write the report\n");
        code = EXIT_ERROR;
    }
    return code;
}

int main(int argc, char **argv)
{
    parsed p;
    int code = parse_args(argc, argv, &p);
    if (code >= 0)
        goto out;
    if (p.set[OPT_VERSION]) {
        printf("onnxlint %s\n", ONNXLINT_VERSION);
        code = EXIT_CLEAN;
    } else if (p.set[OPT_HELP] || !p.command) {
        print_help(p.command || p.set[OPT_HELP] ? stdout : stderr, p.command);
        code = p.set[OPT_HELP] ? EXIT_CLEAN : EXIT_ERROR;
    } else if (p.command->id == CMD_INSPECT) {
        code = cmd_inspect(&p);
    } else if (p.command->id == CMD_SHAPES) {
        code = cmd_shapes(&p);
    }
out:
    free(p.operands);
    return code;
}
