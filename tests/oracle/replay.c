/*
 * replay.c - replays PyTorch's own verdicts (tests/oracle/oracle.tsv,
 * written by gen_oracle.py) through the built onnxlint and counts the
 * agreement.
 *
 *   replay ONNXLINT ORACLE_DIR [MIN_FILE]
 *
 * Per row, by its replay column: "declared:MODEL" runs
 *   onnxlint check MODEL --loss KIND --labels labels:DTYPE[DIMS] --format json
 * "node:MODEL" checks the exported loss graph as it is, "input:MODEL:NPY"
 * with the labels given as a file (--input labels=NPY); "none" rows have
 * no onnxlint form yet and are only counted.  Agreement:
 *   raises  an error finding, and PyTorch's exact message inside its why;
 *   warns   a warning (no error), PyTorch's warning text inside its why,
 *           and the confirmed loss value equal to PyTorch's;
 *   silent  a warning (PyTorch computes a wrong result without a word);
 *   ok      no finding at warning or above, and the confirmed loss value
 *           equal to PyTorch's on the same sample data (rtol 1e-4).
 * Prints the figures per outcome and per loss, and each disagreement
 * (with ORACLE_VERBOSE set).  Rows on (4,C) logits are replayed a second
 * time on the model's symbolic twin (batch N, bound to 4 by the sample
 * data; the labels' batch 4 becomes N and 5 becomes N+1): the verdict and
 * the value must not change.  With MIN_FILE (lines "replayed N", "verdict N", "text N",
 * "value N", "symbolic_verdict N", "symbolic_value N"), fails when an
 * agreement count falls below its recorded minimum: the counts only go up.
 */
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 8192
#define MAX_FIELDS 16
#define MAX_LOSSES 32

enum { F_ID, F_LOSS, F_EXTRA, F_ACT, F_LOGITS, F_DTYPE, F_LABELS, F_OUTCOME, F_EXC, F_MESSAGE, F_VALUE, F_REPLAY };

typedef struct tally {
    char loss[32];
    int rows, replayed, verdict, text, text_rows, value, value_rows;
} tally;

static tally totals[MAX_LOSSES + 1];
static int n_totals;

static tally *tally_of(const char *loss)
{
    for (int i = 0; i < n_totals; i++) {
        if (strcmp(totals[i].loss, loss) == 0)
            return &totals[i];
    }
    if (n_totals == MAX_LOSSES)
        return &totals[MAX_LOSSES];
    snprintf(totals[n_totals].loss, sizeof totals[n_totals].loss, "%s", loss);
    return &totals[n_totals++];
}

/* Undoes the TSV escapes of gen_oracle.py (\\, \n, \t) in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* Runs cmd and parses its standard output as JSON; NULL on failure. */
static json_t *run_json(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    json_error_t err;
    json_t *root = json_loadf(p, 0, &err);
    pclose(p);
    if (json_is_array(root)) { /* check's JSON is a list of one object per model */
        json_t *model = json_incref(json_array_get(root, 0));
        json_decref(root);
        root = model;
    }
    return root;
}

/* Highest severity among the findings (0 none, 1 note, 2 warning, 3 error),
 * and whether the why of some finding of severity text_severity holds text. */
static int judge(json_t *root, const char *text, int text_severity, bool *text_found)
{
    int worst = 0;
    size_t i;
    json_t *f;
    *text_found = false;
    json_array_foreach(json_object_get(root, "findings"), i, f) {
        const char *sev = json_string_value(json_object_get(f, "severity"));
        int s = !sev ? 0 : strcmp(sev, "error") == 0 ? 3 : strcmp(sev, "warning") == 0 ? 2 : 1;
        if (s > worst)
            worst = s;
        const char *why = json_string_value(json_object_get(f, "why"));
        if (s == text_severity && why && text && strstr(why, text))
            *text_found = true;
    }
    return worst;
}

/* True when a warning says the outcome depends on sizes nothing relates. */
static bool depends_on_sizes(json_t *root)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(root, "findings"), i, f) {
        const char *why = json_string_value(json_object_get(f, "why"));
        if (why && strstr(why, "nothing in the model makes these sizes equal"))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: replay ONNXLINT ORACLE_DIR [MIN_FILE]\n");
        return 2;
    }
    const char *tool = argv[1], *dir = argv[2];
    bool verbose = getenv("ORACLE_VERBOSE") != NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/oracle.tsv", dir);
    FILE *in = fopen(path, "r");
    if (!in) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 2;
    }
    static char line[MAX_LINE];
    tally all = {.loss = "all"}, symbolic = {.loss = "symbolic N"};
    while (fgets(line, sizeof line, in)) {
        if (line[0] == '#' || strncmp(line, "id\t", 3) == 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *field[MAX_FIELDS];
        int n = 0;
        for (char *p = line; n < MAX_FIELDS;) {
            field[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (n <= F_REPLAY) {
            fprintf(stderr, "replay: short row: %s\n", line);
            return 2;
        }
        unescape(field[F_MESSAGE]);
        tally *t = tally_of(field[F_LOSS]);
        t->rows++;
        all.rows++;
        const char *replay = field[F_REPLAY];
        char cmd[8192];
        if (strncmp(replay, "declared:", 9) == 0) {
            const char *kind = strcmp(field[F_LOSS], "lm_cross_entropy") == 0 ? "cross_entropy" : field[F_LOSS];
            char dims[256];
            snprintf(dims, sizeof dims, "%s", strcmp(field[F_LABELS], "scalar") == 0 ? "" : field[F_LABELS]);
            for (char *d = dims; *d; d++)
                *d = *d == 'x' ? ',' : *d;
            char extra[512] = "";
            if (strcmp(field[F_EXTRA], "-") != 0)
                snprintf(extra, sizeof extra, "(%s)", field[F_EXTRA]);
            snprintf(cmd, sizeof cmd, "'%s' check --format json '%s/models/%s' --loss '%s%s' --labels 'labels:%s[%s]' 2>/dev/null",
                     tool, dir, replay + 9, kind, extra, field[F_DTYPE], dims);
        } else if (strncmp(replay, "input:", 6) == 0 && strchr(replay + 6, ':')) {
            const char *npy = strchr(replay + 6, ':') + 1;
            snprintf(cmd, sizeof cmd, "'%s' check --format json '%s/models/%.*s' --input 'labels=%s/models/%s' 2>/dev/null",
                     tool, dir, (int)(npy - 1 - (replay + 6)), replay + 6, dir, npy);
        } else if (strncmp(replay, "node:", 5) == 0) {
            snprintf(cmd, sizeof cmd, "'%s' check --format json '%s/models/%s' 2>/dev/null", tool, dir, replay + 5);
        } else {
            continue;
        }
        t->replayed++;
        all.replayed++;
        json_t *root = run_json(cmd);
        if (!root) {
            if (verbose)
                printf("row %s: no JSON from: %s\n", field[F_ID], cmd);
            continue;
        }
        const char *outcome = field[F_OUTCOME];
        bool raises = strcmp(outcome, "raises") == 0, warns = strcmp(outcome, "warns") == 0;
        bool text_found;
        int worst = judge(root, raises || warns ? field[F_MESSAGE] : NULL, raises ? 3 : 2, &text_found);
        bool agree = raises ? worst == 3 : strcmp(outcome, "ok") == 0 ? worst < 2 : worst == 2;
        if (agree) {
            t->verdict++;
            all.verdict++;
        }
        if (raises || warns) {
            t->text_rows++;
            all.text_rows++;
            if (text_found) {
                t->text++;
                all.text++;
            }
        }
        bool value_ok = true;
        if ((strcmp(outcome, "ok") == 0 || warns) && strcmp(field[F_VALUE], "-") != 0) {
            double want = strtod(field[F_VALUE], NULL), got = NAN;
            json_t *losses = json_object_get(root, "losses");
            json_t *v = json_object_get(json_array_get(losses, 0), "value");
            if (json_is_number(v))
                got = json_number_value(v);
            value_ok = fabs(got - want) <= 1e-4 * fabs(want) + 1e-6;
            t->value_rows++;
            all.value_rows++;
            if (value_ok) {
                t->value++;
                all.value++;
            }
            if (verbose && !value_ok)
                printf("row %s %s %s %s %s:%s: value %.6g, PyTorch %.6g\n", field[F_ID], field[F_LOSS], field[F_ACT],
                       field[F_LOGITS], field[F_DTYPE], field[F_LABELS], got, want);
        }
        if (verbose && (!agree || ((raises || warns) && !text_found)))
            printf("row %s %s(%s) %s %s %s:%s: PyTorch %s%s%s, onnxlint %s%s\n", field[F_ID], field[F_LOSS],
                   field[F_EXTRA], field[F_ACT], field[F_LOGITS], field[F_DTYPE], field[F_LABELS], outcome,
                   raises || warns ? ": " : "", raises || warns ? field[F_MESSAGE] : "",
                   worst == 3 ? "error" : worst == 2 ? "warning" : worst == 1 ? "note" : "silent",
                   (raises || warns) && worst >= 2 && !text_found ? " (other words)" : "");
        json_decref(root);
        /* The symbolic twin: logits (N,C) with N bound to 4 by the sample
         * data, labels' batch 4 -> N and 5 -> N+1: the same verdict, and on
         * ok rows the same value. */
        if (strncmp(replay, "declared:", 9) == 0 && strncmp(field[F_LOGITS], "4x", 2) == 0 &&
            !strchr(field[F_LOGITS] + 2, 'x')) {
            char model[512], dims[256];
            const char *at = strstr(replay + 9, "_4x"); /* raw_4x10.onnx -> raw_Nx10.onnx */
            const char *lab = field[F_LABELS];
            const char *tail = lab + strcspn(lab, "x");
            if (!at)
                continue;
            snprintf(model, sizeof model, "%.*s_N%s", (int)(at - (replay + 9)), replay + 9, at + 2);
            if (strncmp(lab, "4", (size_t)(tail - lab)) == 0 && tail - lab == 1)
                snprintf(dims, sizeof dims, "N%s", tail);
            else if (strncmp(lab, "5", (size_t)(tail - lab)) == 0 && tail - lab == 1)
                snprintf(dims, sizeof dims, "N+1%s", tail);
            else
                snprintf(dims, sizeof dims, "%s", lab);
            for (char *d = dims; *d; d++)
                *d = *d == 'x' ? ',' : *d;
            const char *kind = strcmp(field[F_LOSS], "lm_cross_entropy") == 0 ? "cross_entropy" : field[F_LOSS];
            char extra[512] = "";
            if (strcmp(field[F_EXTRA], "-") != 0)
                snprintf(extra, sizeof extra, "(%s)", field[F_EXTRA]);
            snprintf(cmd, sizeof cmd,
                     "'%s' check --format json '%s/models/%s' --loss '%s%s' --labels 'labels:%s[%s]' 2>/dev/null", tool,
                     dir, model, kind, extra, field[F_DTYPE], dims);
            json_t *sym = run_json(cmd);
            symbolic.replayed++;
            int sw = sym ? judge(sym, NULL, 3, &text_found) : -1;
            bool sagree = sym && (raises ? sw == 3 : strcmp(outcome, "ok") == 0 ? sw < 2 : sw == 2);
            if (sagree)
                symbolic.verdict++;
            /* What PyTorch did at N = 4 but would not do at every N (10 vs
             * N broadcasts at N = 10): onnxlint's "may raise" warning. */
            if (!sagree && sw == 2 && depends_on_sizes(sym)) {
                sagree = true;
                symbolic.text++;
            }
            if (sym && (strcmp(outcome, "ok") == 0 || warns) && strcmp(field[F_VALUE], "-") != 0) {
                double want = strtod(field[F_VALUE], NULL), got = NAN;
                json_t *v = json_object_get(json_array_get(json_object_get(sym, "losses"), 0), "value");
                if (json_is_number(v))
                    got = json_number_value(v);
                symbolic.value_rows++;
                if (fabs(got - want) <= 1e-4 * fabs(want) + 1e-6)
                    symbolic.value++;
            }
            if (verbose && !sagree)
                printf("row %s symbolic: %s, onnxlint %d: %s\n", field[F_ID], outcome, sw, cmd);
            json_decref(sym);
        }
    }
    fclose(in);
    printf("%-18s %6s %8s %16s %16s %16s\n", "loss", "rows", "replayed", "verdict", "text (raises,", "value (ok,");
    printf("%-18s %6s %8s %16s %16s %16s\n", "", "", "", "", "warns)", "warns)");
    for (int i = 0; i <= n_totals; i++) {
        tally *t = i < n_totals ? &totals[i] : &all;
        printf("%-18s %6d %8d %8d %6.1f%% %8d/%-6d %8d/%-6d\n", t->loss, t->rows, t->replayed, t->verdict,
               t->replayed ? 100.0 * t->verdict / t->replayed : 0.0, t->text, t->text_rows, t->value, t->value_rows);
    }
    printf("%-18s %6s %8d %8d %6.1f%% %16s %8d/%-6d\n", symbolic.loss, "", symbolic.replayed, symbolic.verdict,
           symbolic.replayed ? 100.0 * symbolic.verdict / symbolic.replayed : 0.0, "", symbolic.value,
           symbolic.value_rows);
    printf("symbolic N: %d rows where PyTorch's outcome at N = 4 holds only for some N get the size-dependent "
           "warning\n", symbolic.text);
    int rc = 0;
    if (symbolic.verdict + symbolic.text < symbolic.replayed) {
        printf("FAIL: %d symbolic rows disagree\n", symbolic.replayed - symbolic.verdict - symbolic.text);
        rc = 1;
    }
    if (argc > 3) {
        FILE *mf = fopen(argv[3], "r");
        char key[32];
        int min;
        while (mf && fscanf(mf, "%31s %d", key, &min) == 2) {
            int got = strcmp(key, "replayed") == 0           ? all.replayed
                      : strcmp(key, "verdict") == 0          ? all.verdict
                      : strcmp(key, "text") == 0             ? all.text
                      : strcmp(key, "value") == 0            ? all.value
                      : strcmp(key, "symbolic_verdict") == 0 ? symbolic.verdict
                      : strcmp(key, "symbolic_value") == 0   ? symbolic.value
                      : strcmp(key, "symbolic_dependent") == 0 ? symbolic.text
                                                             : -1;
            if (got < min) {
                printf("FAIL: %s agreement %d below the recorded %d\n", key, got, min);
                rc = 1;
            }
        }
        if (mf)
            fclose(mf);
        else
            rc = 1;
    }
    return rc;
}
