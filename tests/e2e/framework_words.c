/*
 * framework_words.c - every loss finding onnxlint makes on the models of
 * models/ says what the framework says.
 *
 *   framework_words ONNXLINT SOURCE_DIR
 *
 * Runs `onnxlint check --format json` on every .onnx under models/ (a
 * model listed in models/MANIFEST.tsv once per row, with that row's
 * options) and asserts, for each finding of a loss rule:
 *   - its why quotes the framework ("PyTorch: ..." or "Keras: ..." with the
 *     exception and the exact text), or says that the framework computes
 *     the mistake without a word (there are no words to quote), or that
 *     PyTorch accepts what ONNX's spec refuses; a loss named the Keras way
 *     speaks Keras, every other PyTorch;
 *   - where the PyTorch message it quotes has a Keras twin in the table of
 *     src/analysis/frameworks.c (ol_fw_messages[].keras_twin), Keras'
 *     words follow.
 * Prints the counts; fails on any finding that lacks its words, or when
 * fewer findings than MIN_LOSS_FINDINGS were seen (the check must not pass
 * by seeing nothing).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/frameworks.h"

#define MIN_LOSS_FINDINGS 30
#define MAX_LINE 4096

static const char *const loss_rules[] = {
    "label-dtype",   "label-rank",  "class-count",    "batch-mismatch", "class-axis",   "probabilities-as-logits",
    "logits-as-probabilities", "broadcast-loss", "ignore-index", "softmax-axis", "ctc-lengths", "loss-reduction",
    "label-range",
};

static const char *const keras_losses[] = {"sparse_categorical_crossentropy", "categorical_crossentropy",
                                           "binary_crossentropy", "mean_squared_error", "mean_absolute_error",
                                           "huber_loss", "kl_divergence"};

static struct {
    int runs, models_with_loss_findings, findings, quoted, silent, accepts, twins_needed, twins, missing;
} count;

static bool is_loss_rule(const char *rule)
{
    for (size_t i = 0; rule && i < sizeof loss_rules / sizeof *loss_rules; i++) {
        if (strcmp(rule, loss_rules[i]) == 0)
            return true;
    }
    return false;
}

/* Whether template t (its {placeholders} match one or more characters)
 * matches s from its start. */
static bool match_here(const char *t, const char *s)
{
    if (!*t)
        return true;
    if (*t == '{') {
        const char *close = strchr(t, '}');
        if (!close)
            return false;
        for (const char *p = s + 1; p <= s + strlen(s); p++) {
            if (*s && match_here(close + 1, p))
                return true;
        }
        return false;
    }
    return *s == *t && match_here(t + 1, s + 1);
}

/* Whether template t matches somewhere inside s. */
static bool template_in(const char *t, const char *s)
{
    for (; *s; s++) {
        if (match_here(t, s))
            return true;
    }
    return false;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Checks the loss findings of one report; what is the model and options. */
static void check_report(json_t *root, const char *what, bool keras)
{
    size_t i, k;
    json_t *model, *f;
    bool any = false;
    const char *framework = keras ? "Keras" : "PyTorch";
    char quoted[32], silent[64];
    snprintf(quoted, sizeof quoted, "%s: ", framework);
    snprintf(silent, sizeof silent, "%s computes it without a word: ", framework);
    json_array_foreach(root, i, model) {
        json_array_foreach(json_object_get(model, "findings"), k, f) {
            const char *rule = json_string_value(json_object_get(f, "rule"));
            if (!is_loss_rule(rule))
                continue;
            any = true;
            count.findings++;
            const char *why = json_string_value(json_object_get(f, "why"));
            if (!why) {
                printf("FAIL: %s: %s has no why\n", what, rule);
                count.missing++;
                continue;
            }
            if (strstr(why, quoted))
                count.quoted++;
            else if (starts_with(why, silent))
                count.silent++;
            else if (!keras && starts_with(why, "PyTorch accepts "))
                count.accepts++;
            else {
                printf("FAIL: %s: %s: no %s words: %s\n", what, rule, framework, why);
                count.missing++;
                continue;
            }
            for (int id = OL_FW_NONE + 1; id < OL_FW_MESSAGE_COUNT; id++) {
                const ol_fw_message *msg = &ol_fw_messages[id];
                if (msg->framework != OL_FW_PYTORCH || msg->keras_twin == OL_FW_NONE || !msg->text ||
                    !template_in(msg->text, why))
                    continue;
                count.twins_needed++;
                if (strstr(why, "Keras: ")) {
                    count.twins++;
                } else {
                    printf("FAIL: %s: %s: PyTorch's words without Keras' twin: %s\n", what, rule, why);
                    count.missing++;
                }
                break;
            }
        }
    }
    count.models_with_loss_findings += any;
}

/* Runs check on model with the options in args (space-separated, each
 * quoted for the shell) and checks its report. */
static void run(const char *tool, const char *model, const char *args)
{
    char cmd[3 * MAX_LINE], quoted_args[2 * MAX_LINE] = "";
    size_t n = 0;
    bool keras = false;
    char copy[MAX_LINE];
    snprintf(copy, sizeof copy, "%s", args);
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
        n += (size_t)snprintf(quoted_args + n, sizeof quoted_args - n, " '%s'", tok);
        if (n >= sizeof quoted_args)
            return;
        for (size_t k = 0; k < sizeof keras_losses / sizeof *keras_losses; k++)
            keras |= starts_with(tok, keras_losses[k]);
    }
    snprintf(cmd, sizeof cmd, "'%.1000s' check --fail-on never --format json '%.1000s'%.*s 2>/dev/null", tool, model,
             (int)(sizeof cmd - 2100), quoted_args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    json_error_t err;
    json_t *root = json_loadf(p, 0, &err);
    pclose(p);
    count.runs++;
    char what[MAX_LINE + 64];
    snprintf(what, sizeof what, "%.1000s%s%.2000s", model, *args ? " " : "", args);
    if (!json_is_array(root)) {
        printf("FAIL: %s: no JSON report\n", what);
        count.missing++;
    } else {
        check_report(root, what, keras);
    }
    json_decref(root);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: framework_words ONNXLINT SOURCE_DIR\n");
        return 2;
    }
    const char *tool = argv[1], *src = argv[2];
    char cmd[MAX_LINE], line[MAX_LINE], path[MAX_LINE];
    /* The manifest's rows: a model with the options it is checked with. */
    snprintf(path, sizeof path, "%.1000s/models/MANIFEST.tsv", src);
    FILE *manifest = fopen(path, "r");
    if (!manifest) {
        fprintf(stderr, "framework_words: cannot open %s\n", path);
        return 2;
    }
    char listed[256][128];
    int n_listed = 0;
    while (fgets(line, sizeof line, manifest)) {
        line[strcspn(line, "\n")] = '\0';
        char *field[5] = {line};
        int n = 1;
        for (char *p = line; n < 5 && (p = strchr(p, '\t')); n++) {
            *p++ = '\0';
            field[n] = p;
        }
        if (n < 4 || strcmp(field[0], "file") == 0)
            continue;
        if (n_listed < 256)
            snprintf(listed[n_listed++], sizeof listed[0], "%.127s", field[0]);
        snprintf(path, sizeof path, "%.1000s/models/%.1000s", src, field[0]);
        run(tool, path, field[3]);
    }
    fclose(manifest);
    /* Every other model under models/, as it is. */
    snprintf(cmd, sizeof cmd, "find '%.1000s/models' -name '*.onnx' | sort", src);
    FILE *models = popen(cmd, "r");
    while (models && fgets(line, sizeof line, models)) {
        line[strcspn(line, "\n")] = '\0';
        const char *rel = line + strlen(src) + strlen("/models/"); /* find prints SRC/models/... */
        bool in_manifest = false;
        for (int i = 0; i < n_listed && strlen(line) > strlen(src) + strlen("/models/"); i++)
            in_manifest |= strcmp(rel, listed[i]) == 0;
        if (!in_manifest)
            run(tool, line, "");
    }
    if (models)
        pclose(models);
    printf("framework words: %d checks of models/, %d with loss findings; %d loss findings: %d quote the framework, "
           "%d say it is silent, %d say PyTorch accepts what ONNX refuses; Keras twins %d/%d; %d lack words\n",
           count.runs, count.models_with_loss_findings, count.findings, count.quoted, count.silent, count.accepts,
           count.twins, count.twins_needed, count.missing);
    if (count.findings < MIN_LOSS_FINDINGS) {
        printf("FAIL: only %d loss findings (at least %d expected)\n", count.findings, MIN_LOSS_FINDINGS);
        return 1;
    }
    return count.missing ? 1 : 0;
}
