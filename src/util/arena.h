/*
 * arena.h - region allocation on top of the one allocator hook.
 *
 * Everything a loaded model owns (protobuf-c's unpacked messages, the graph
 * IR, interned names, hash tables) lives in one arena and dies with it: no
 * object is freed on its own, so no free-chain can be forgotten.
 *
 * Invariants:
 *   - Every chunk comes from the arena's onnxlint_allocator and goes back to
 *     it in ol_arena_destroy; nothing else is ever allocated.
 *   - Returned blocks are aligned to 8 bytes, for any object the library
 *     makes (none needs more: no long double, no vector types; 16 would
 *     cost a 50,000-node graph 2 MB of padding), except those of
 *     ol_arena_alloc_bytes and ol_arena_strndup (text).
 *   - The arena refuses to grow past its byte budget (ol_arena_init), so a
 *     crafted file cannot make a load take all memory.
 *   - After a refusal the arena is "failed": later calls return NULL too,
 *     so callers may check once at the end of a batch (SQLite's sticky OOM).
 */
#ifndef OL_ARENA_H
#define OL_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxlint/onnxlint.h"

typedef struct ol_arena_chunk ol_arena_chunk;

/* Under AddressSanitizer every block is carved with a poisoned redzone
 * behind it and the unused part of a chunk stays poisoned, so an overflow
 * from one arena object into the next is reported like a heap overflow
 * (the inline bump paths below are then bypassed). */
#if defined(__SANITIZE_ADDRESS__)
#define OL_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OL_ARENA_ASAN 1
#endif
#endif

/* Alignment of every block: any object's the library makes. */
#define OL_ARENA_ALIGN ((size_t)8)
_Static_assert(_Alignof(double) <= 8 && _Alignof(int64_t) <= 8 && _Alignof(void *) <= 8,
               "arena blocks are aligned to 8 bytes");

typedef struct ol_arena {
    onnxlint_allocator allocator;
    ol_arena_chunk *chunks; /* newest first; allocation happens in the head */
    char *cur, *end;        /* the head's free bytes (both NULL when failed) */
    char *fresh;            /* the head's bytes from here (and from cur) to end
                               are zero: never handed out of a zeroed chunk */
    void *zeroed_block;     /* the big block the slow path last gave a zeroed
                               chunk of its own, for ol_arena_calloc */
    size_t used;            /* bytes requested from the hook so far */
    size_t budget;          /* most bytes the arena may request */
    size_t first_chunk;     /* the least size of a new chunk (0: growth from the smallest) */
    bool failed;            /* sticky: the hook or the budget refused once */
} ol_arena;

/* The allocator used when a caller passes none: malloc and free. */
extern const onnxlint_allocator ol_default_allocator;

/* Prepares an empty arena that takes memory from allocator (NULL: the
 * default) and refuses to hold more than budget bytes in all. */
void ol_arena_init(ol_arena *arena, const onnxlint_allocator *allocator, size_t budget);

void *ol_arena_alloc_slow(ol_arena *arena, size_t size);

/* Returns size bytes aligned for any object, or NULL when the hook or the
 * budget refuses (and from then on).  Inline: a graph of 50,000 nodes
 * makes about 400,000 of these calls, nearly all a bump of cur. */
static inline void *ol_arena_alloc(ol_arena *arena, size_t size)
{
#ifdef OL_ARENA_ASAN
    return ol_arena_alloc_slow(arena, size);
#endif
    uintptr_t at = ((uintptr_t)arena->cur + OL_ARENA_ALIGN - 1) & ~(uintptr_t)(OL_ARENA_ALIGN - 1);
    size_t room = at <= (uintptr_t)arena->end ? (size_t)((uintptr_t)arena->end - at) : 0;
    if (size - 1 < room) { /* size 0 wraps and takes the slow path */
        size_t need = (size + OL_ARENA_ALIGN - 1) & ~(OL_ARENA_ALIGN - 1);
        if (need <= room) {
            arena->cur = (char *)at + need;
            return (void *)at;
        }
    }
    return ol_arena_alloc_slow(arena, size);
}

/* As ol_arena_alloc without the alignment: for the bytes of strings,
 * which are most of a graph's allocations and a few bytes each. */
static inline void *ol_arena_alloc_bytes(ol_arena *arena, size_t size)
{
#ifdef OL_ARENA_ASAN
    return ol_arena_alloc_slow(arena, size);
#endif
    if (size - 1 < (size_t)(arena->end - arena->cur)) {
        void *p = arena->cur;
        arena->cur += size;
        return p;
    }
    return ol_arena_alloc_slow(arena, size);
}

/* Gives back the block p of size bytes, which ol_arena_alloc or
 * ol_arena_calloc returned, when it is the last block handed out (nothing
 * was allocated after it); otherwise does nothing.  True when given back. */
static inline bool ol_arena_release_last(ol_arena *arena, void *p, size_t size)
{
#ifdef OL_ARENA_ASAN
    (void)arena, (void)p, (void)size;
    return false;
#else
    size_t need = (size + OL_ARENA_ALIGN - 1) & ~(OL_ARENA_ALIGN - 1);
    if (!p || !size || (char *)p + need != arena->cur)
        return false;
    if ((uintptr_t)arena->fresh < (uintptr_t)arena->cur)
        arena->fresh = arena->cur; /* the block may have been written */
    arena->cur = p;
    return true;
#endif
}

/* Gives back every block handed out since arena->cur was mark, when they
 * all came from the chunk that is still the head (otherwise they stay
 * used: nothing is lost but their bytes).  For a decoder that copies as it
 * goes and may have to start over. */
void ol_arena_rewind(ol_arena *arena, char *mark);

/* As ol_arena_alloc, zero-filled; count * size overflow returns NULL. */
void *ol_arena_calloc(ol_arena *arena, size_t count, size_t size);

/* Copies len bytes and appends a NUL; NULL on refusal. */
char *ol_arena_strndup(ol_arena *arena, const char *s, size_t len);

/* Formats like snprintf into a new arena string; NULL on refusal. */
char *ol_arena_printf(ol_arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forgets every block but keeps the newest chunk for the next ones: an
 * arena used over and over for scratch of about the same size. */
void ol_arena_reset(ol_arena *arena);

/* Returns every chunk to the hook.  The arena may be initialised again. */
void ol_arena_destroy(ol_arena *arena);

#endif
