/*
 * suite.c - see suite.h.
 */
#include "suite.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(suite_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        char **paths = realloc(l->paths, cap * sizeof *paths);
        if (!paths)
            abort();
        l->paths = paths;
        l->cap = cap;
    }
    if (!(l->paths[l->n++] = strdup(path)))
        abort();
}

static void collect(suite_list *l, const char *dir, bool folders, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, "model.onnx") == 0)
            add(l, folders ? dir : path);
        else if (depth < 3 && e->d_type == DT_DIR)
            collect(l, path, folders, depth + 1);
    }
    closedir(d);
}

void suite_collect(suite_list *l, const char *dir, bool folders)
{
    collect(l, dir, folders, 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void suite_select(suite_list *l, const char *filter)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!filter || strstr(l->paths[i], filter))
            l->paths[kept++] = l->paths[i];
        else
            free(l->paths[i]);
    }
    l->n = kept;
    if (l->n)
        qsort(l->paths, l->n, sizeof *l->paths, by_name);
}

void suite_free(suite_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    *l = (suite_list){0};
}
