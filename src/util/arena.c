/*
 * arena.c - chunked bump allocation over the one allocator hook.
 *
 * Small blocks are carved from the head chunk; a block larger than a
 * quarter of the chunk size gets a chunk of its own, placed behind the head
 * so the head's free tail is not lost.  Chunks grow geometrically up to
 * OL_ARENA_CHUNK_MAX, so a model of a few thousand nodes costs a handful of
 * hook calls and a 50,000-node graph a few dozen.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define OL_HUGE_PAGE ((size_t)2 * 1024 * 1024)

#ifdef OL_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE OL_ARENA_ALIGN /* poisoned bytes behind every block */
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define REDZONE 0
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* First chunk size, and the largest size the geometric growth reaches. */
#define OL_ARENA_CHUNK_MIN ((size_t)16 * 1024)
#define OL_ARENA_CHUNK_MAX ((size_t)4 * 1024 * 1024)

struct ol_arena_chunk {
    ol_arena_chunk *next;
    size_t size;        /* usable bytes after the header */
    max_align_t data[]; /* aligned start of the usable bytes */
};

/* Marks the arena failed: from now on every call returns NULL. */
static void fail(ol_arena *arena)
{
    arena->failed = true;
    arena->cur = arena->end = arena->fresh = NULL;
}

/* The hook's default: an arena given it takes its chunks its own way
 * (own_chunks). */
static void *default_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void default_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

const onnxlint_allocator ol_default_allocator = {default_alloc, default_free, NULL, 0};

void ol_arena_init(ol_arena *arena, const onnxlint_allocator *allocator, size_t budget)
{
    memset(arena, 0, sizeof *arena);
    arena->allocator = allocator ? *allocator : ol_default_allocator;
    arena->budget = budget;
}

static size_t align_up(size_t n)
{
    return (n + OL_ARENA_ALIGN - 1) & ~(OL_ARENA_ALIGN - 1);
}

/* The arena's own way with the default allocator: chunks that come zeroed
 * (calloc; a large one mapped on 2 MB boundaries, huge pages advised), so
 * that ol_arena_calloc need not clear what nothing has written yet.  A
 * caller's hook gives no such promise. */
static bool own_chunks(const ol_arena *arena)
{
    return arena->allocator.alloc == default_alloc;
}

static size_t page_round(size_t n)
{
    return (n + 4095) & ~(size_t)4095;
}

/* Whether a zeroed chunk of total bytes is mapped on its own, on 2 MB
 * boundaries and backed by huge pages where the system allows (a
 * 50,000-node graph otherwise spends half its run time in page faults);
 * not under AddressSanitizer, whose calloc checks the chunks. */
static bool mapped(size_t total)
{
#if defined(MADV_HUGEPAGE) && !defined(OL_ARENA_ASAN)
    return total >= OL_HUGE_PAGE && total <= SIZE_MAX - 2 * OL_HUGE_PAGE;
#else
    (void)total;
    return false;
#endif
}

static void *zeroed_memory(size_t total)
{
    if (!mapped(total))
        return calloc(1, total);
    size_t len = page_round(total), span = len + OL_HUGE_PAGE;
    char *map = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    char *at = (char *)(((uintptr_t)map + OL_HUGE_PAGE - 1) & ~(uintptr_t)(OL_HUGE_PAGE - 1));
    if (at > map)
        munmap(map, (size_t)(at - map));
    if (map + span > at + len)
        munmap(at + len, (size_t)(map + span - (at + len)));
#ifdef MADV_HUGEPAGE
    madvise(at, len & ~(OL_HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    return at;
}

static void release_chunk(ol_arena *arena, ol_arena_chunk *chunk)
{
    UNPOISON(chunk->data, chunk->size);
    size_t total = sizeof *chunk + chunk->size;
    if (!own_chunks(arena))
        arena->allocator.free(arena->allocator.ctx, chunk);
    else if (mapped(total))
        munmap(chunk, page_round(total));
    else
        free(chunk);
}

static ol_arena_chunk *new_chunk(ol_arena *arena, size_t size, bool *zeroed)
{
    size_t total = sizeof(ol_arena_chunk) + size;
    if (total < size || arena->used > arena->budget || total > arena->budget - arena->used) {
        fail(arena);
        return NULL;
    }
    *zeroed = own_chunks(arena);
    ol_arena_chunk *chunk = *zeroed ? zeroed_memory(total) : arena->allocator.alloc(arena->allocator.ctx, total);
    if (!chunk) {
        fail(arena);
        return NULL;
    }
    arena->used += total;
    chunk->size = size;
    POISON(chunk->data, size); /* unpoisoned block by block */
    return chunk;
}

/* The slow path of ol_arena_alloc: the head has no room (or the arena has
 * failed, or size is 0). */
void *ol_arena_alloc_slow(ol_arena *arena, size_t size)
{
    if (arena->failed)
        return NULL;
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - OL_ARENA_ALIGN - REDZONE) {
        fail(arena);
        return NULL;
    }
    size_t request = size;
    size = align_up(size) + REDZONE;
    char *at = arena->cur ? (char *)align_up((size_t)(uintptr_t)arena->cur) : NULL;
    if (at && at <= arena->end && (size_t)(arena->end - at) >= size) { /* room after all */
        arena->cur = at + size;
        UNPOISON(at, request);
        return at;
    }
    ol_arena_chunk *head = arena->chunks;
    size_t next_size = head ? head->size * 2 : OL_ARENA_CHUNK_MIN;
    if (next_size < arena->first_chunk)
        next_size = arena->first_chunk;
    if (next_size > OL_ARENA_CHUNK_MAX)
        next_size = OL_ARENA_CHUNK_MAX;
    if (arena->allocator.chunk_size && next_size > arena->allocator.chunk_size)
        next_size = arena->allocator.chunk_size;
    bool zeroed;
    if (size > next_size / 4) {
        /* A big block: its own chunk, kept behind the head. */
        ol_arena_chunk *own = new_chunk(arena, size, &zeroed);
        if (!own)
            return NULL;
        arena->zeroed_block = zeroed ? own->data : NULL;
        if (head) {
            own->next = head->next;
            head->next = own;
        } else {
            own->next = NULL;
            arena->chunks = own;
        }
        UNPOISON(own->data, request);
        return own->data;
    }
    ol_arena_chunk *chunk = new_chunk(arena, next_size, &zeroed);
    if (!chunk)
        return NULL;
    chunk->next = head;
    arena->chunks = chunk;
    arena->cur = (char *)chunk->data + size;
    arena->end = (char *)chunk->data + next_size;
    arena->fresh = zeroed ? (char *)chunk->data : arena->end;
    UNPOISON(chunk->data, request);
    return chunk->data;
}

void ol_arena_rewind(ol_arena *arena, char *mark)
{
    ol_arena_chunk *head = arena->chunks;
    if (arena->failed || !head || !mark)
        return;
    uintptr_t at = (uintptr_t)mark, start = (uintptr_t)head->data, cur = (uintptr_t)arena->cur;
    if (at < start || at > cur)
        return; /* a chunk began since */
    POISON(mark, (size_t)(cur - at));
    if ((uintptr_t)arena->fresh < cur)
        arena->fresh = arena->cur; /* what was handed out may have been written */
    arena->cur = mark;
}

void *ol_arena_calloc(ol_arena *arena, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        fail(arena);
        return NULL;
    }
    size_t n = count * size;
    arena->zeroed_block = NULL;
    char *p = ol_arena_alloc(arena, n);
    if (!p)
        return NULL;
    /* Bytes of the head chunk at or past fresh were never handed out (and
     * the block starts at or past cur, so none of it was). */
    bool zero = p == arena->zeroed_block ||
                ((uintptr_t)p >= (uintptr_t)arena->fresh && (uintptr_t)p + n <= (uintptr_t)arena->end);
    if (!zero)
        memset(p, 0, n);
    return p;
}

char *ol_arena_strndup(ol_arena *arena, const char *s, size_t len)
{
    if (len == SIZE_MAX) {
        fail(arena);
        return NULL;
    }
    char *p = ol_arena_alloc_bytes(arena, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ol_arena_printf(ol_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fail(arena);
        return NULL;
    }
    char *p = ol_arena_alloc(arena, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void ol_arena_destroy(ol_arena *arena)
{
    ol_arena_chunk *chunk = arena->chunks;
    while (chunk) {
        ol_arena_chunk *next = chunk->next;
        release_chunk(arena, chunk);
        chunk = next;
    }
    arena->chunks = NULL;
    arena->cur = arena->end = arena->fresh = NULL;
    arena->zeroed_block = NULL;
    arena->used = 0;
    arena->failed = false;
}

void ol_arena_reset(ol_arena *arena)
{
    ol_arena_chunk *keep = arena->chunks;
    if (!keep || arena->failed) {
        ol_arena_destroy(arena);
        return;
    }
    for (ol_arena_chunk *chunk = keep->next; chunk;) {
        ol_arena_chunk *next = chunk->next;
        release_chunk(arena, chunk);
        chunk = next;
    }
    keep->next = NULL;
    arena->used = sizeof *keep + keep->size;
    arena->cur = (char *)keep->data;
    arena->end = arena->cur + keep->size;
    arena->fresh = arena->end; /* written before */
    POISON(keep->data, keep->size);
}
