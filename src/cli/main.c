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
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
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
    CMD_CHECK = 1u << 2,
    CMD_EXPLAIN = 1u << 3,
    CMD_RUN = 1u << 4,
    CMD_DOT = 1u << 5,
    CMD_ALL = ~0u
};

enum option_id {
    OPT_AROUND,
    OPT_BASELINE,
    OPT_CONFIG,
    OPT_DEPTH,
    OPT_DIM,
    OPT_FAIL_ON,
    OPT_FILES_FROM,
    OPT_FORMAT,
    OPT_FORWARD,
    OPT_FROM_LOGITS,
    OPT_HELP,
    OPT_INPUT,
    OPT_INPUTS,
    OPT_JOBS,
    OPT_LABELS,
    OPT_LOGITS,
    OPT_LOSS,
    OPT_NAME,
    OPT_NO_CONFIRM,
    OPT_OP,
    OPT_OUTPUT,
    OPT_OUTPUTS,
    OPT_SEED,
    OPT_TIMING,
    OPT_SHARD,
    OPT_VERSION,
    OPT_WRITE_BASELINE,
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
    {OPT_AROUND, "around", 0, "NODE", CMD_DOT, "show only the nodes near NODE (with --depth)"},
    {OPT_BASELINE, "baseline", 0, "FILE", CMD_CHECK, "drop the findings this baseline lists: fail only on new ones"},
    {OPT_CONFIG, "config", 0, "FILE", CMD_CHECK,
     "the configuration (default: the .onnxlint.yaml nearest to each model)"},
    {OPT_DEPTH, "depth", 0, "K", CMD_DOT, "with --around: how many edges away (default 3)"},
    {OPT_DIM, "dim", 0, "NAME=VALUE", CMD_CHECK, "bind a symbolic dim for the sample data (default 4); repeatable"},
    {OPT_FAIL_ON, "fail-on", 0, "error|warning|note|never", CMD_CHECK,
     "exit 1 when a finding is at least this severe (default: error)"},
    {OPT_FILES_FROM, "files-from", 0, "FILE|-", CMD_CHECK,
     "also check the models (or folders) listed in FILE, one a line ('-': standard input)"},
    {OPT_FORMAT, "format", 'f', "FORMAT", CMD_INSPECT | CMD_SHAPES | CMD_CHECK | CMD_DOT,
     "text|json (inspect, shapes), text|json|jsonl|sarif (check), dot|svg|png (dot)"},
    {OPT_FORWARD, "forward", 0, NULL, CMD_DOT,
     "only the forward part: no gradient, accumulator or optimizer nodes (training graphs)"},
    {OPT_FROM_LOGITS, "from-logits", 0, NULL, CMD_CHECK, "Keras losses: the model outputs raw logits"},
    {OPT_HELP, "help", 'h', NULL, CMD_ALL, "show help and exit"},
    {OPT_INPUT, "input", 0, "NAME=FILE", CMD_RUN | CMD_CHECK,
     "the value of a graph input or the declared labels (.pb TensorProto or .npy); repeatable"},
    {OPT_INPUTS, "inputs", 0, "DIR", CMD_RUN, "a folder of input_K.pb files (ONNX's backend-test layout)"},
    {OPT_JOBS, "jobs", 'j', "N", CMD_CHECK, "check N models in parallel (default 1)"},
    {OPT_LABELS, "labels", 0, "NAME:DTYPE[DIMS]", CMD_CHECK,
     "the labels of an inference-only export, e.g. labels:int64[N]"},
    {OPT_LOGITS, "logits", 0, "NAME", CMD_CHECK, "the value the loss reads (default: the model's output)"},
    {OPT_LOSS, "loss", 0, "KIND", CMD_CHECK,
     "the loss for an inference-only export: cross_entropy, nll, bce_with_logits, bce, mse, l1, smooth_l1, huber, "
     "kl_div, ctc, sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy; PyTorch's "
     "arguments in parentheses: cross_entropy(ignore_index=-100,label_smoothing=0.1), kl_div(reduction=batchmean)"},
    {OPT_NAME, "name", 0, "REGEX", CMD_SHAPES | CMD_INSPECT,
     "shapes: only values whose name matches; inspect: list the nodes whose name matches"},
    {OPT_NO_CONFIRM, "no-confirm", 0, NULL, CMD_CHECK, "do not run the loss on sample data"},
    {OPT_OP, "op", 0, "TYPE", CMD_SHAPES | CMD_INSPECT,
     "shapes: only values made by this operator; inspect: list the nodes of this type"},
    {OPT_OUTPUT, "output", 'o', "FILE", CMD_SHAPES | CMD_DOT,
     "shapes: also write the model with the inferred shapes as value_info; dot: the picture's file"},
    {OPT_OUTPUTS, "outputs", 0, "DIR", CMD_RUN, "write the outputs there as output_K.pb"},
    {OPT_SEED, "seed", 0, "N", CMD_CHECK, "seed of the sample data (default: fixed)"},
    {OPT_TIMING, "timing", 0, NULL, CMD_RUN,
     "print on stderr the seconds loading and running took (the run includes reading the weights)"},
    {OPT_SHARD, "shard", 0, "K/N", CMD_CHECK,
     "check only the K-th of N stable parts of the models (by a hash of each path), K from 1 to N"},
    {OPT_VERSION, "version", 'V', NULL, CMD_ALL, "show the version and exit"},
    {OPT_WRITE_BASELINE, "write-baseline", 0, "FILE", CMD_CHECK, "write the findings as a baseline and exit 0"},
};

static const struct command_spec {
    const char *name;
    unsigned id;
    const char *synopsis;
    const char *summary;
    const char *examples;
} commands[] = {
    {"inspect", CMD_INSPECT, "inspect MODEL... [--format text|json] [--op TYPE] [--name REGEX]",
     "Show what a model is: IR version, producer, opsets, graph inputs and outputs with\n"
     "their types and shapes, initializers (count, parameters, bytes), operators by\n"
     "count, subgraphs, functions and metadata.  Weights are not read.",
     "  onnxlint inspect model.onnx\n"
     "  onnxlint inspect --format json model.onnx | jq '.inputs'\n"
     "  onnxlint inspect model.onnx --op Conv\n"},
    {"check", CMD_CHECK,
     "check MODEL|DIR... [--loss KIND --labels NAME:DTYPE[DIMS] [--logits NAME] [--from-logits]]\n"
     "                       [--format text|json|jsonl|sarif] [--fail-on error|warning|note|never]\n"
     "                       [--shard K/N] [--files-from FILE|-]",
     "Find the logits/labels mistakes that otherwise surface at training time: labels of the\n"
     "wrong type or rank for the loss, class counts that differ between the head, the labels\n"
     "and the class weights, batch dims that disagree, classes on the wrong axis, softmax\n"
     "applied twice, raw scores where probabilities are expected, silent broadcasting in\n"
     "element-wise losses, labels given with --input that name classes the head lacks;\n"
     "plus the graph rules (shape errors, undefined values...).\n"
     "Losses inside the graph are found by themselves (SoftmaxCrossEntropyLoss,\n"
     "NegativeLogLikelihoodLoss, exported BCE/MSE/L1 patterns); for inference-only exports\n"
     "declare the loss and the labels (or in .onnxlint.yaml).  Folders are searched for\n"
     "*.onnx recursively; with no MODEL, the current folder is.",
     "  onnxlint check train.onnx\n"
     "  onnxlint check model.onnx --loss cross_entropy --labels labels:int64[N]\n"
     "  onnxlint check model.onnx --loss categorical_crossentropy --labels y:float[N,10] --from-logits\n"
     "  onnxlint check models/ --format sarif > onnxlint.sarif\n"
     "  onnxlint check models/ --format jsonl | jq -c 'select(.summary.errors > 0) | .model'\n"
     "  onnxlint check --write-baseline onnxlint.baseline && onnxlint check --baseline onnxlint.baseline\n"
     "  onnxlint check --shard 2/4 --format sarif > shard2.sarif\n"
     "  git diff --name-only --diff-filter=d main | onnxlint check --files-from -\n"
     "  onnxlint explain class-count\n"},
    {"explain", CMD_EXPLAIN, "explain RULE",
     "Explain a rule: what it means, the error PyTorch or Keras would give at training time,\n"
     "and a bad and a good example.",
     "  onnxlint explain label-rank\n"},
    {"dot", CMD_DOT, "dot MODEL [-o FILE] [--format dot|svg|png] [--around NODE [--depth K]] [--forward]",
     "Draw the graph: nodes with op and name, edges with element type and shape, the\n"
     "logits -> loss <- labels path in blue and nodes with findings in red with their rule\n"
     "ids.  svg and png are rendered by Graphviz's dot program.  --around keeps a large\n"
     "graph readable.",
     "  onnxlint dot model.onnx -o model.dot\n"
     "  onnxlint dot model.onnx --format svg -o model.svg\n"
     "  onnxlint dot model.onnx --around /fc/Gemm --depth 2 --format png -o head.png\n"
     "  onnxlint dot training_model.onnx --forward -o forward.dot\n"},
    {"run", CMD_RUN, "run MODEL [--inputs DIR] [--input NAME=FILE]... [--outputs DIR]",
     "Run the model on given inputs with onnxlint's own evaluator (ONNX's operator\n"
     "semantics; MatMul, Gemm and Conv through OpenBLAS) and summarise each output, or\n"
     "write it as output_K.pb.  Inputs come from a folder in ONNX's backend-test layout\n"
     "(input_K.pb is the K-th graph input that is not an initializer) or one by one.\n"
     "Exits 1 when a node fails (the message names it and the shapes).",
     "  onnxlint run model.onnx --inputs test_data_set_0\n"
     "  onnxlint run model.onnx --input x=x.npy --outputs out/\n"},
    {"shapes", CMD_SHAPES, "shapes MODEL [--format text|json] [-o OUT.onnx] [--op TYPE] [--name REGEX]",
     "Infer the element type and shape of every value: symbolic dims stay exact\n"
     "expressions (N+5, 2*S, floor((H+1)/2)), small integer tensors computed in the\n"
     "graph (Shape, Gather, Concat...) are evaluated so Reshape and friends get exact\n"
     "shapes, and symbols proved equal are unified and listed.  Contradictions are\n"
     "reported on stderr as shape-error, type-error or declared-shape-mismatch\n"
     "findings naming the node (exit 1).  -o writes the model with the shapes added\n"
     "as value_info (weights copied unchanged).",
     "  onnxlint shapes model.onnx\n"
     "  onnxlint shapes --format json model.onnx | jq '.values[] | select(.kind == \"output\")'\n"
     "  onnxlint shapes model.onnx -o model.shaped.onnx\n"
     "  onnxlint shapes model.onnx --op Conv --name 'layer4'\n"},
};

#define N_OPTIONS (sizeof options / sizeof *options)
#define N_COMMANDS (sizeof commands / sizeof *commands)

static const char exit_codes_help[] = "Exit codes:\n"
                                      "  0  success: the model loaded and nothing at or above --fail-on was found\n"
                                      "  1  findings at or above --fail-on\n"
                                      "  2  usage error, unreadable or malformed model\n";

/* The exit codes of one command: only check takes --fail-on. */
static const char *exit_codes_of(unsigned command)
{
    switch (command) {
    case CMD_RUN:
        return "Exit codes:\n"
               "  0  the model ran\n"
               "  1  a node fails (the message names it)\n"
               "  2  usage error, unreadable or malformed model, inputs that do not fit the graph\n";
    case CMD_SHAPES:
        return "Exit codes:\n"
               "  0  inferred without errors\n"
               "  1  shape or type errors\n"
               "  2  usage error, unreadable or malformed model\n";
    case CMD_CHECK:
        return exit_codes_help;
    default:
        return "Exit codes:\n"
               "  0  success\n"
               "  2  usage error, unreadable or malformed model\n";
    }
}

static void print_options(FILE *f, unsigned command)
{
    fprintf(f, "Options:\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const struct option_spec *o = &options[i];
        if (!(o->commands & command))
            continue;
        char left[96];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
        fprintf(f, "  %-36s %s\n", left, o->help);
    }
}

static void print_help(FILE *f, const struct command_spec *c)
{
    if (c) {
        fprintf(f, "Usage: onnxlint %s\n\n%s\n\n", c->synopsis, c->summary);
        print_options(f, c->id);
        fprintf(f, "\nExamples:\n%s\n%s", c->examples, exit_codes_of(c->id));
        return;
    }
    fprintf(f, "onnxlint %s - static analysis for ONNX models\n\n"
               "Usage: onnxlint COMMAND [OPTIONS] MODEL...\n\nCommands:\n",
            ONNXLINT_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %.*s\n", commands[i].name, (int)strcspn(commands[i].summary, ".\n"),
                commands[i].summary);
    fprintf(f, "\n");
    print_options(f, CMD_NONE | (CMD_ALL & ~(CMD_INSPECT | CMD_SHAPES | CMD_CHECK | CMD_EXPLAIN | CMD_RUN | CMD_DOT)));
    fprintf(f, "\nRun 'onnxlint COMMAND --help' for a command's options and examples.\n\n%s", exit_codes_help);
}

typedef struct parsed {
    int argc;
    char **argv; /* for options that repeat (--dim, --input) */
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
            if (options[i].short_name && options[i].short_name == arg[1]) {
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
    p->argc = argc;
    p->argv = argv;
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
        if (onnxlint_inspect_write_filtered(model, format, p->values[OPT_OP], p->values[OPT_NAME], write_stdout, stdout,
                                            &err) != ONNXLINT_OK) {
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

/* True when the file path (which may not exist yet) lies directly in the
 * resolved folder dir. */
static bool same_folder(const char *path, const char *dir)
{
    char folder[4096], resolved[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(folder, sizeof folder, ".");
    else if (slash == path)
        snprintf(folder, sizeof folder, "/");
    else
        snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
    return realpath(folder, resolved) && strcmp(resolved, dir) == 0;
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
    onnxlint_check_options co = {.no_confirm = 1}; /* infers, and finds the losses to show first */
    if (onnxlint_check(model, &co, &err) != ONNXLINT_OK ||
        onnxlint_shapes_write_filtered(model, format, p->values[OPT_OP], p->values[OPT_NAME], write_stdout, stdout,
                                       &err) != ONNXLINT_OK) {
        fprintf(stderr, "onnxlint: %s\n", err.message);
        code = EXIT_ERROR;
    } else if (load_errors) {
        code = EXIT_ERROR; /* structurally broken, as for inspect */
    } else if (onnxlint_model_diagnostic_count(model, ONNXLINT_ERROR)) {
        code = EXIT_FINDINGS;
    }
    const char *out_path = p->values[OPT_OUTPUT];
    const char *data_dir = onnxlint_model_external_dir(model);
    if (out_path && code != EXIT_ERROR && data_dir && !same_folder(out_path, data_dir)) {
        fprintf(stderr,
                "%s: %s keeps its weights in external files relative to %s; write the output into that folder, "
                "where they still resolve\n",
                out_path, path, data_dir);
        code = EXIT_ERROR;
    } else if (out_path && code != EXIT_ERROR) {
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

/* Appends every *.onnx file below dir (sorted, recursive) to a list. */
typedef struct path_list {
    char **paths;
    size_t n, cap;
} path_list;

static void path_add(path_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p)
            return;
        l->paths = p;
        l->cap = cap;
    }
    char *copy = strdup(path);
    if (copy)
        l->paths[l->n++] = copy;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Most folder levels a check descends. */
#define MAX_FOLDER_DEPTH 32

static void find_models(path_list *l, const char *dir, int depth)
{
    DIR *d = depth < MAX_FOLDER_DEPTH ? opendir(dir) : NULL;
    if (!d)
        return;
    size_t first = l->n;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        size_t len = strlen(e->d_name);
        if (S_ISDIR(st.st_mode))
            find_models(l, path, depth + 1);
        else if (S_ISREG(st.st_mode) && len > 5 && strcmp(e->d_name + len - 5, ".onnx") == 0)
            path_add(l, path);
    }
    closedir(d);
    if (l->n > first)
        qsort(l->paths + first, l->n - first, sizeof *l->paths, by_path);
}

/* Adds a path given by the user: a folder is searched, anything else is a model. */
static void add_operand(path_list *l, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        find_models(l, path, 0);
    else
        path_add(l, path);
}

/* Adds the paths listed in a file ('-': standard input), one a line; empty
 * lines are skipped, so are files that are not .onnx (the output of
 * `git diff --name-only` lists every changed file).  False when the list
 * cannot be read. */
static bool add_files_from(path_list *l, const char *list)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        struct stat st;
        bool dir = stat(line, &st) == 0 && S_ISDIR(st.st_mode);
        if (dir || (len > 5 && strcmp(line + len - 5, ".onnx") == 0))
            add_operand(l, line);
    }
    free(line);
    bool ok = !ferror(f);
    if (f != stdin)
        fclose(f);
    return ok;
}

/* The key a model is sharded by: its resolved path relative to the current
 * folder (or absolute outside it), so "./m.onnx", "m.onnx" and the absolute
 * path fall into the same shard in every job of a CI matrix. */
static uint64_t shard_hash(const char *path)
{
    char here[PATH_MAX], full[PATH_MAX];
    const char *key = path;
    if (realpath(path, full)) {
        key = full;
        size_t n = getcwd(here, sizeof here) ? strlen(here) : 0;
        if (n && strncmp(full, here, n) == 0 && full[n] == '/')
            key = full + n + 1;
    }
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* Parses "K/N" (1 <= K <= N <= 1,000,000). */
static bool parse_shard(const char *s, unsigned long *k, unsigned long *n)
{
    char *end;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    *k = strtoul(s, &end, 10);
    if (*end != '/' || !(end[1] >= '0' && end[1] <= '9'))
        return false;
    *n = strtoul(end + 1, &end, 10);
    return !*end && *k >= 1 && *n >= 1 && *k <= *n && *n <= 1000000;
}

/* Most models checked in parallel (-j). */
#define MAX_JOBS 256
/* A run longer than this shows a progress line on a terminal. */
#define PROGRESS_AFTER_NS 1000000000LL

/* What checking one model gave: the checked model, or why not. */
typedef struct check_result {
    onnxlint_model *model; /* NULL when it could not be checked */
    bool usage;            /* the options themselves are wrong */
    bool finished;
    bool streamed;         /* written (JSON Lines) and freed */
    bool fails;            /* streamed with findings at or above --fail-on */
    char message[1100];
} check_result;

/* The models to check, shared by the worker threads. */
typedef struct check_job {
    const char *const *paths;
    size_t n;
    const onnxlint_check_options *options;
    const onnxlint_config *forced;
    bool cli_loss;
    const char *baseline;
    check_result *results;
    bool stream;   /* JSON Lines: write each model as soon as those before it are written */
    int fail_on;   /* with stream: the severity that fails the run (-1: never) */
    size_t next_write;
    pthread_mutex_t lock;
    size_t next, done;
    long long started_ns;
    bool progress; /* a progress line was shown (to clear at the end) */
} check_job;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Loads and checks one model; the result says how it went. */
static void check_one(const check_job *job, const char *path, check_result *r)
{
    onnxlint_error err;
    onnxlint_model *model = NULL;
    /* Load diagnostics become findings: no sink needed. */
    if (onnxlint_model_load(path, NULL, &model, &err) != ONNXLINT_OK) {
        snprintf(r->message, sizeof r->message, "%s", err.message);
        return;
    }
    /* The configuration: --config, else the nearest .onnxlint.yaml. */
    onnxlint_config *config = (onnxlint_config *)job->forced;
    char config_path[4096];
    if (!config && onnxlint_config_find(path, config_path, sizeof config_path) &&
        onnxlint_config_load(config_path, &config, &err) != ONNXLINT_OK) {
        snprintf(r->message, sizeof r->message, "%s", err.message);
        onnxlint_model_free(model);
        return;
    }
    onnxlint_check_options mo = *job->options;
    if (config && !job->cli_loss) /* the command line wins */
        onnxlint_config_options(config, path, &mo);
    onnxlint_status st = onnxlint_check(model, &mo, &err);
    if (st == ONNXLINT_OK && config)
        onnxlint_config_apply(config, model);
    if (config != job->forced)
        onnxlint_config_free(config);
    if (st == ONNXLINT_OK && job->baseline)
        st = onnxlint_baseline_apply(job->baseline, model, &err);
    if (st != ONNXLINT_OK) {
        r->usage = st == ONNXLINT_EINVAL;
        snprintf(r->message, sizeof r->message, "%s%s%s", r->usage ? "" : path, r->usage ? "" : ": ", err.message);
        onnxlint_model_free(model);
        return;
    }
    r->model = model;
}

/* With the lock held: writes the finished models that follow the last
 * written one, in the order given, one JSON line each, and frees them.  A
 * usage error stops the stream: it is reported instead of what follows. */
static void stream_ready(check_job *job)
{
    while (job->next_write < job->n && job->results[job->next_write].finished) {
        check_result *r = &job->results[job->next_write];
        if (r->usage) {
            job->stream = false;
            return;
        }
        job->next_write++;
        if (!r->model)
            continue;
        onnxlint_error err;
        r->fails = job->fail_on >= 0 && onnxlint_finding_count(r->model, (onnxlint_severity)job->fail_on);
        if (onnxlint_findings_write(&r->model, 1, ONNXLINT_FORMAT_JSONL, 0, write_stdout, stdout, &err) != ONNXLINT_OK ||
            fflush(stdout) != 0)
            snprintf(r->message, sizeof r->message, "onnxlint: %s", "cannot write the report");
        onnxlint_model_free(r->model);
        r->model = NULL;
        r->streamed = true;
    }
}

static void *check_worker(void *arg)
{
    check_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t i = job->next < job->n ? job->next++ : job->n;
        pthread_mutex_unlock(&job->lock);
        if (i == job->n)
            return NULL;
        check_one(job, job->paths[i], &job->results[i]);
        pthread_mutex_lock(&job->lock);
        job->done++;
        job->results[i].finished = true;
        if (job->stream)
            stream_ready(job);
        if (isatty(STDERR_FILENO) && now_ns() - job->started_ns > PROGRESS_AFTER_NS) {
            fprintf(stderr, "\r\033[Kchecked %zu of %zu models", job->done, job->n);
            job->progress = true;
        }
        pthread_mutex_unlock(&job->lock);
    }
}

/* Checks every model of the job with n_threads threads. */
static void run_jobs(check_job *job, long n_threads)
{
    pthread_t threads[MAX_JOBS];
    long started = 0;
    pthread_mutex_init(&job->lock, NULL);
    job->started_ns = now_ns();
    if (n_threads > (long)job->n)
        n_threads = job->n ? (long)job->n : 1;
    for (long t = 1; t < n_threads; t++) {
        if (pthread_create(&threads[started], NULL, check_worker, job) != 0)
            break; /* fewer threads: the others do the work */
        started++;
    }
    check_worker(job);
    for (long t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    if (job->progress)
        fprintf(stderr, "\r\033[K");
    pthread_mutex_destroy(&job->lock);
}

static int cmd_check(const parsed *p)
{
    onnxlint_format format = ONNXLINT_FORMAT_TEXT;
    const char *f = p->values[OPT_FORMAT];
    if (f && strcmp(f, "json") == 0)
        format = ONNXLINT_FORMAT_JSON;
    else if (f && strcmp(f, "jsonl") == 0)
        format = ONNXLINT_FORMAT_JSONL;
    else if (f && strcmp(f, "sarif") == 0)
        format = ONNXLINT_FORMAT_SARIF;
    else if (f && strcmp(f, "text") != 0)
        return usage_error("--format takes text, json, jsonl or sarif, not '%s'", f);
    int fail_on = ONNXLINT_ERROR; /* -1: never */
    const char *fo = p->values[OPT_FAIL_ON];
    if (fo) {
        if (strcmp(fo, "error") == 0)
            fail_on = ONNXLINT_ERROR;
        else if (strcmp(fo, "warning") == 0)
            fail_on = ONNXLINT_WARNING;
        else if (strcmp(fo, "note") == 0)
            fail_on = ONNXLINT_NOTE;
        else if (strcmp(fo, "never") == 0)
            fail_on = -1;
        else
            return usage_error("--fail-on takes error, warning, note or never, not '%s'", fo);
    }
    if ((p->values[OPT_LABELS] || p->values[OPT_LOGITS]) && !p->values[OPT_LOSS])
        return usage_error("%s", "--labels and --logits need --loss KIND (which loss reads them?)");
    long jobs = 1;
    if (p->values[OPT_JOBS]) {
        char *end;
        jobs = strtol(p->values[OPT_JOBS], &end, 10);
        if (*end || jobs < 1 || jobs > MAX_JOBS)
            return usage_error("-j takes a number of parallel checks from 1 to 256, not '%s'", p->values[OPT_JOBS]);
    }
    unsigned long shard_k = 1, shard_n = 1;
    if (p->values[OPT_SHARD] && !parse_shard(p->values[OPT_SHARD], &shard_k, &shard_n))
        return usage_error("--shard takes K/N with 1 <= K <= N, e.g. --shard 2/4, not '%s'", p->values[OPT_SHARD]);
    path_list list = {0};
    for (int i = 0; i < p->n_operands; i++) {
        struct stat st;
        if (stat(p->operands[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = list.n;
            find_models(&list, p->operands[i], 0);
            if (list.n == before) {
                for (size_t k = 0; k < list.n; k++)
                    free(list.paths[k]);
                free(list.paths);
                return usage_error("'%s' is a folder with no .onnx model in it", p->operands[i]);
            }
        } else
            path_add(&list, p->operands[i]);
    }
    if (p->values[OPT_FILES_FROM] && !add_files_from(&list, p->values[OPT_FILES_FROM])) {
        fprintf(stderr, "onnxlint: --files-from %s: cannot read the list: %s\n", p->values[OPT_FILES_FROM],
                strerror(errno));
        for (size_t i = 0; i < list.n; i++)
            free(list.paths[i]);
        free(list.paths);
        return EXIT_ERROR;
    }
    if (p->n_operands == 0 && !p->values[OPT_FILES_FROM])
        find_models(&list, ".", 0); /* a repository gate: every model below here */
    size_t discovered = list.n;
    if (shard_n > 1) { /* keep this job's part, in the same order */
        size_t kept = 0;
        for (size_t i = 0; i < list.n; i++) {
            if (shard_hash(list.paths[i]) % shard_n == shard_k - 1)
                list.paths[kept++] = list.paths[i];
            else
                free(list.paths[i]);
        }
        list.n = kept;
    }
    onnxlint_config *forced = NULL;
    if (p->values[OPT_CONFIG]) {
        onnxlint_error cerr;
        if (onnxlint_config_load(p->values[OPT_CONFIG], &forced, &cerr) != ONNXLINT_OK) {
            fprintf(stderr, "%s\n", cerr.message);
            for (size_t i = 0; i < list.n; i++)
                free(list.paths[i]);
            free(list.paths);
            return EXIT_ERROR;
        }
    }
    onnxlint_model **models = calloc(list.n + 1, sizeof *models);
    size_t n = 0;
    int code = EXIT_CLEAN;
    onnxlint_check_options co = {.loss = p->values[OPT_LOSS], .labels = p->values[OPT_LABELS],
                                 .logits = p->values[OPT_LOGITS], .from_logits = p->set[OPT_FROM_LOGITS],
                                 .no_confirm = p->set[OPT_NO_CONFIRM]};
    if (p->values[OPT_SEED]) {
        char *end;
        co.seed = strtoull(p->values[OPT_SEED], &end, 10);
        if (*end || !*p->values[OPT_SEED])
            return usage_error("--seed takes a number, not '%s'", p->values[OPT_SEED]);
    }
    /* --dim may repeat: collect every occurrence. */
    const char **dims = calloc((size_t)p->argc + 1, sizeof *dims);
    size_t n_dims = 0;
    for (int i = 1; dims && i < p->argc; i++) {
        const char *d = NULL;
        if (strcmp(p->argv[i], "--dim") == 0 && i + 1 < p->argc)
            d = p->argv[++i];
        else if (strncmp(p->argv[i], "--dim=", 6) == 0)
            d = p->argv[i] + 6;
        if (d && !strchr(d, '=')) {
            free(dims);
            return usage_error("--dim takes NAME=VALUE, e.g. --dim N=8, not '%s'", d);
        }
        if (d)
            dims[n_dims++] = d;
    }
    co.dims = dims;
    co.n_dims = n_dims;
    co.dims_shared = list.n > 1; /* one --dim for a folder: each model takes the symbols it has */
    const char **input_files = calloc((size_t)p->argc + 1, sizeof *input_files);
    size_t n_input_files = 0;
    for (int i = 1; input_files && i < p->argc; i++) {
        if (strcmp(p->argv[i], "--input") == 0 && i + 1 < p->argc)
            input_files[n_input_files++] = p->argv[++i];
        else if (strncmp(p->argv[i], "--input=", 8) == 0)
            input_files[n_input_files++] = p->argv[i] + 8;
    }
    co.inputs = input_files;
    co.n_inputs = n_input_files;
    check_job job = {.paths = (const char *const *)list.paths, .n = list.n, .options = &co, .forced = forced,
                     .cli_loss = p->values[OPT_LOSS] != NULL, .baseline = p->values[OPT_BASELINE],
                     .results = calloc(list.n + 1, sizeof *job.results),
                     /* a baseline being written needs every model at the end */
                     .stream = format == ONNXLINT_FORMAT_JSONL && !p->values[OPT_WRITE_BASELINE],
                     .fail_on = fail_on};
    if (!job.results || !models) {
        code = usage_error("%s", "out of memory");
        goto out;
    }
    run_jobs(&job, jobs);
    for (size_t i = 0; i < list.n; i++) { /* in the order the models were given */
        check_result *r = &job.results[i];
        if (r->usage) { /* one line: the model and what is wrong with the options for it */
            fprintf(stderr, "%s: %s\n", list.paths[i], r->message);
            code = EXIT_ERROR;
            for (size_t k = i; k < list.n; k++)
                onnxlint_model_free(job.results[k].model);
            free(job.results);
            goto out;
        }
        if (r->streamed) {
            if (r->message[0]) {
                fprintf(stderr, "%s\n", r->message);
                code = EXIT_ERROR;
            } else if (r->fails && code == EXIT_CLEAN) {
                code = EXIT_FINDINGS;
            }
            continue;
        }
        if (!r->model) {
            fprintf(stderr, "%s\n", r->message);
            code = EXIT_ERROR;
            continue;
        }
        models[n++] = r->model;
    }
    free(job.results);
    if (models)
        onnxlint_check_artifacts(models, n);
    for (size_t i = 0; models && i < n; i++) {
        if (fail_on >= 0 && code == EXIT_CLEAN && onnxlint_finding_count(models[i], (onnxlint_severity)fail_on))
            code = EXIT_FINDINGS;
    }
    if (discovered == 0 && p->values[OPT_FILES_FROM] && p->n_operands == 0) {
        fprintf(stderr, "onnxlint: --files-from %s lists no .onnx model\n", p->values[OPT_FILES_FROM]);
    } else if (discovered == 0) {
        fprintf(stderr, "onnxlint: no .onnx model found\n");
        code = EXIT_ERROR;
    } else if (list.n == 0) {
        fprintf(stderr, "onnxlint: shard %lu/%lu holds none of the %zu models\n", shard_k, shard_n, discovered);
    }
    if (p->values[OPT_WRITE_BASELINE] && models) {
        FILE *bf = fopen(p->values[OPT_WRITE_BASELINE], "w");
        bool written = bf && onnxlint_baseline_write_at(p->values[OPT_WRITE_BASELINE], models, n, write_stdout, bf) == ONNXLINT_OK;
        if (bf && fclose(bf) != 0)
            written = false;
        if (!written) {
            fprintf(stderr, "%s: cannot write the baseline\n", p->values[OPT_WRITE_BASELINE]);
            code = EXIT_ERROR;
        } else if (code != EXIT_ERROR) {
            code = EXIT_CLEAN; /* the baseline accepts what is there */
        }
    }
    int color = format == ONNXLINT_FORMAT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    onnxlint_error werr;
    if (models && !job.stream &&
        onnxlint_findings_write(models, n, format, color, write_stdout, stdout, &werr) != ONNXLINT_OK) {
        fprintf(stderr, "onnxlint: %s\n", werr.message);
        code = EXIT_ERROR;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "onnxlint: cannot write the report\n");
        code = EXIT_ERROR;
    }
out:
    onnxlint_config_free(forced);
    for (size_t i = 0; models && i < n; i++)
        onnxlint_model_free(models[i]);
    free(models);
    for (size_t i = 0; i < list.n; i++)
        free(list.paths[i]);
    free(list.paths);
    free(dims);
    free(input_files);
    return code;
}

static int cmd_run(const parsed *p, char **argv, int argc)
{
    if (p->n_operands != 1)
        return usage_error("%s", "run needs exactly one MODEL (see 'onnxlint run --help')");
    /* --input may repeat: collect every occurrence from argv. */
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t n_files = 0;
    for (int i = 1; files && i < argc; i++) {
        if (strcmp(argv[i], "--input") == 0 && i + 1 < argc)
            files[n_files++] = argv[++i];
        else if (strncmp(argv[i], "--input=", 8) == 0)
            files[n_files++] = argv[i] + 8;
    }
    for (size_t i = 0; i < n_files; i++) {
        if (!strchr(files[i], '=')) {
            int code = usage_error("--input takes NAME=FILE, not '%s'", files[i]);
            free(files);
            return code;
        }
    }
    const char *path = p->operands[0];
    onnxlint_error err;
    onnxlint_model *model = NULL;
    long long t0 = now_ns();
    if (onnxlint_model_load(path, NULL, &model, &err) != ONNXLINT_OK) {
        fprintf(stderr, "%s\n", err.message);
        free(files);
        return EXIT_ERROR;
    }
    onnxlint_run_options ro = {.inputs_dir = p->values[OPT_INPUTS], .input_files = files, .n_input_files = n_files,
                               .outputs_dir = p->values[OPT_OUTPUTS]};
    long long t1 = now_ns();
    onnxlint_status st = onnxlint_run(model, &ro, write_stdout, stdout, &err);
    if (p->set[OPT_TIMING])
        fprintf(stderr, "timing: load %.4f s, run %.4f s\n", (double)(t1 - t0) / 1e9, (double)(now_ns() - t1) / 1e9);
    int code = EXIT_CLEAN;
    if (st == ONNXLINT_EEVAL) {
        fprintf(stderr, "%s\n", err.message);
        code = EXIT_FINDINGS;
    } else if (st != ONNXLINT_OK) {
        fprintf(stderr, "%s\n", err.message);
        code = EXIT_ERROR;
    }
    onnxlint_model_free(model);
    free(files);
    if (fflush(stdout) != 0)
        code = EXIT_ERROR;
    return code;
}

static int write_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static int cmd_dot(const parsed *p)
{
    const char *format = p->values[OPT_FORMAT] ? p->values[OPT_FORMAT] : "dot";
    bool render = strcmp(format, "svg") == 0 || strcmp(format, "png") == 0;
    if (!render && strcmp(format, "dot") != 0)
        return usage_error("--format takes dot, svg or png, not '%s'", format);
    if (p->n_operands != 1)
        return usage_error("%s", "dot needs exactly one MODEL (see 'onnxlint dot --help')");
    int depth = 3;
    if (p->values[OPT_DEPTH]) {
        char *end;
        long d = strtol(p->values[OPT_DEPTH], &end, 10);
        if (*end || d < 0 || d > 1000)
            return usage_error("--depth takes a number from 0 to 1000, not '%s'", p->values[OPT_DEPTH]);
        depth = (int)d;
    }
    const char *out_path = p->values[OPT_OUTPUT];
    if (render && !out_path)
        return usage_error("--format %s needs -o FILE", format);
    onnxlint_error err;
    onnxlint_model *model = NULL;
    if (onnxlint_model_load(p->operands[0], NULL, &model, &err) != ONNXLINT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return EXIT_ERROR;
    }
    int code = EXIT_CLEAN;
    onnxlint_check_options co = {.no_confirm = 1};
    FILE *out = NULL;
    if (onnxlint_check(model, &co, &err) != ONNXLINT_OK) {
        fprintf(stderr, "onnxlint: %s\n", err.message);
        code = EXIT_ERROR;
        goto done;
    }
    if (render) {
        char command[8192];
        if (system("command -v dot >/dev/null 2>&1") != 0) {
            fprintf(stderr, "onnxlint: rendering %s needs Graphviz's dot program (Debian: apt-get install graphviz); "
                            "or write DOT with --format dot\n", format);
            code = EXIT_ERROR;
            goto done;
        }
        /* The path goes to the shell quoted: no quote may close it early. */
        if (strchr(out_path, '\'') || snprintf(command, sizeof command, "dot -T%s -o '%s'", format, out_path) >=
                                               (int)sizeof command) {
            fprintf(stderr, "onnxlint: %s: unusable output path\n", out_path);
            code = EXIT_ERROR;
            goto done;
        }
        out = popen(command, "w");
    } else {
        out = out_path ? fopen(out_path, "w") : stdout;
    }
    if (!out) {
        fprintf(stderr, "onnxlint: cannot write %s: %s\n", out_path ? out_path : "stdout", strerror(errno));
        code = EXIT_ERROR;
        goto done;
    }
    onnxlint_status st = p->set[OPT_FORWARD]
                             ? onnxlint_dot_write_forward(model, p->values[OPT_AROUND], depth, write_file, out, &err)
                             : onnxlint_dot_write(model, p->values[OPT_AROUND], depth, write_file, out, &err);
    int closed = render ? pclose(out) : out == stdout ? fflush(out) : fclose(out);
    if (st == ONNXLINT_EINVAL) {
        code = usage_error("%s", err.message);
    } else if (st != ONNXLINT_OK || closed != 0) {
        fprintf(stderr, "onnxlint: %s\n", st ? err.message : "Graphviz's dot failed");
        code = EXIT_ERROR;
    }
done:
    onnxlint_model_free(model);
    return code;
}

static int cmd_explain(const parsed *p)
{
    if (p->n_operands != 1)
        return usage_error("%s", "explain needs one RULE, e.g. 'onnxlint explain class-count'");
    if (onnxlint_explain_write(p->operands[0], write_stdout, stdout) != ONNXLINT_OK) {
        const char *near = onnxlint_rule_suggest(p->operands[0]);
        if (near) {
            fprintf(stderr, "onnxlint: no rule '%s': did you mean %s?\n", p->operands[0], near);
            return EXIT_ERROR;
        }
        return usage_error("no rule '%s' (see 'onnxlint check --help' for the catalog)", p->operands[0]);
    }
    return EXIT_CLEAN;
}

/* Chooses OpenBLAS's kernels and threads for the commands that run models,
 * before the first matrix product loads it (src/eval/blas.c): it reads
 * both from the environment as it loads.  Debian 12's OpenBLAS (0.3.21)
 * does not know recent Xeons and falls back to its Prescott (SSE3)
 * kernels, which made `run` on ResNet-50 2.5x slower than its SkylakeX
 * ones: so the kernels follow the CPU's features (AVX-512: SkylakeX;
 * AVX2 and FMA: Haswell) unless OPENBLAS_CORETYPE says otherwise.  And one
 * thread, unless OPENBLAS_NUM_THREADS or OMP_NUM_THREADS says otherwise:
 * the products of a confirmation or a batch-1 run are small, and
 * OpenBLAS's waiting threads only burn a shared machine's CPU. */
static void set_up_blas(void)
{
    const char *kernels = NULL;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        kernels = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        kernels = "Haswell";
#endif
    if (kernels && !getenv("OPENBLAS_CORETYPE"))
        setenv("OPENBLAS_CORETYPE", kernels, 1);
    if (!getenv("OPENBLAS_NUM_THREADS") && !getenv("OMP_NUM_THREADS"))
        setenv("OPENBLAS_NUM_THREADS", "1", 1);
}

int main(int argc, char **argv)
{
    parsed p;
    int code = parse_args(argc, argv, &p);
    if (code >= 0)
        goto out;
    if (p.command && (p.command->id == CMD_RUN || (p.command->id == CMD_CHECK && !p.set[OPT_NO_CONFIRM])))
        set_up_blas();
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
    } else if (p.command->id == CMD_CHECK) {
        code = cmd_check(&p);
    } else if (p.command->id == CMD_EXPLAIN) {
        code = cmd_explain(&p);
    } else if (p.command->id == CMD_DOT) {
        code = cmd_dot(&p);
    } else if (p.command->id == CMD_RUN) {
        code = cmd_run(&p, argv, argc);
    }
out:
    free(p.operands);
    return code;
}
