/*
 * map.c - see map.h.  FNV-1a hashing; capacity a power of two.
 */
#include "util/map.h"

#include <stdint.h>
#include <string.h>

#define OL_MAP_MIN_CAPACITY 16

uint64_t ol_map_hash(const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    /* FNV-1a's low bits barely differ between "v1041" and "v1042"; the
     * table indexes by them, so mix the high bits down (murmur3's
     * finaliser) or linear probing walks long runs. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static uint16_t tag_of(uint64_t h)
{
    return (uint16_t)(h >> 48);
}

void *ol_map_get(const ol_map *map, const char *key)
{
    if (!map->capacity)
        return NULL;
    size_t mask = map->capacity - 1;
    uint64_t h = ol_map_hash(key);
    uint16_t tag = tag_of(h);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const ol_map_slot *slot = &map->slots[i];
        if (!slot->key)
            return NULL;
        if (map->tags[i] == tag && strcmp(slot->key, key) == 0)
            return slot->value;
    }
}

static bool resize(ol_map *map, ol_arena *arena, size_t capacity)
{
    ol_map_slot *slots = ol_arena_calloc(arena, capacity, sizeof *slots);
    uint16_t *tags = ol_arena_alloc(arena, capacity * sizeof *tags);
    if (!slots || !tags)
        return false;
    for (size_t j = 0; j < map->capacity; j++) {
        const ol_map_slot *old = &map->slots[j];
        if (!old->key)
            continue;
        uint64_t h = ol_map_hash(old->key);
        size_t i = h & (capacity - 1);
        while (slots[i].key)
            i = (i + 1) & (capacity - 1);
        slots[i] = *old;
        tags[i] = tag_of(h);
    }
    map->slots = slots;
    map->tags = tags;
    map->capacity = capacity;
    return true;
}

void ol_map_prefetch_hashed(const ol_map *map, uint64_t hash)
{
    if (map->capacity) {
        size_t i = hash & (map->capacity - 1);
        __builtin_prefetch(&map->slots[i]);
        __builtin_prefetch(&map->tags[i]);
    }
}

void ol_map_prefetch(const ol_map *map, const char *key)
{
    if (map->capacity)
        ol_map_prefetch_hashed(map, ol_map_hash(key));
}

bool ol_map_reserve(ol_map *map, ol_arena *arena, size_t n)
{
    size_t capacity = OL_MAP_MIN_CAPACITY;
    while (capacity / 2 < n && capacity < ((size_t)1 << 40))
        capacity *= 2;
    return capacity <= map->capacity || resize(map, arena, capacity);
}

void *ol_map_put(ol_map *map, ol_arena *arena, const char *key, void *value)
{
    return ol_map_put_hashed(map, arena, key, ol_map_hash(key), value);
}

void *ol_map_put_hashed(ol_map *map, ol_arena *arena, const char *key, uint64_t h, void *value)
{
    if ((map->count + 1) * 2 > map->capacity &&
        !resize(map, arena, map->capacity ? map->capacity * 2 : OL_MAP_MIN_CAPACITY))
        return NULL;
    size_t mask = map->capacity - 1;
    uint16_t tag = tag_of(h);
    size_t i = h & mask;
    for (; map->slots[i].key; i = (i + 1) & mask) {
        if (map->tags[i] == tag && strcmp(map->slots[i].key, key) == 0)
            return map->slots[i].value;
    }
    map->slots[i] = (ol_map_slot){key, value};
    map->tags[i] = tag;
    map->count++;
    return value;
}
