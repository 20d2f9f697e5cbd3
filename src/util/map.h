/*
 * map.h - string-keyed hash table in an arena.
 *
 * Lookups of values, functions and node names by name go through this
 * table, never through linear scans.  Keys are not copied: they must live
 * as long as the map (they do: both sit in the model's arena).
 *
 * Invariants: open addressing with linear probing; the table is at most
 * half full, so a probe always ends at an empty slot; growing doubles the
 * table and leaves the old one to the arena.
 */
#ifndef OL_MAP_H
#define OL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

typedef struct ol_map_slot {
    const char *key;
    void *value;
} ol_map_slot;

typedef struct ol_map {
    ol_map_slot *slots;
    uint16_t *tags;  /* per slot: the key hash's top 16 bits, compared before
                        the key, so a probe past another key reads no string
                        (a slot costs 18 bytes, not the 24 a stored hash did) */
    size_t capacity; /* a power of two, or 0 before the first insert */
    size_t count;
} ol_map;

/* Returns the value stored under key, or NULL. */
void *ol_map_get(const ol_map *map, const char *key);

/* Stores value under key unless the key is present.  Returns the value
 * already stored (and changes nothing), value itself when it was inserted,
 * or NULL when the arena refused memory. */
void *ol_map_put(ol_map *map, ol_arena *arena, const char *key, void *value);

/* Starts loading the slot where key's search begins into the cache, for a
 * get or put a little later (a large table misses the cache on every
 * lookup; issued a few keys ahead, the miss overlaps other work). */
void ol_map_prefetch(const ol_map *map, const char *key);

/* The hash the map files key under, and the two calls that take it: a
 * caller that prefetches a key's slot and puts the key later hashes it
 * once. */
uint64_t ol_map_hash(const char *key);
void ol_map_prefetch_hashed(const ol_map *map, uint64_t hash);
void *ol_map_put_hashed(ol_map *map, ol_arena *arena, const char *key, uint64_t hash, void *value);

/* Sizes an empty map for about n keys, so that filling it does not grow
 * (and leave old tables in the arena).  False when the arena refuses. */
bool ol_map_reserve(ol_map *map, ol_arena *arena, size_t n);

#endif
