/*
 * map.c - see map.h.  FNV-1a hashing; capacity a power of two.
 */
#include "util/map.h"

#include <stdint.h>
#include <string.h>

#define OL_MAP_MIN_CAPACITY 16

static uint64_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

void *ol_map_get(const ol_map *map, const char *key)
{
    if (!map->capacity)
        return NULL;
    size_t mask = map->capacity - 1;
    for (size_t i = hash_key(key) & mask;; i = (i + 1) & mask) {
        const ol_map_slot *slot = &map->slots[i];
        if (!slot->key)
            return NULL;
        if (strcmp(slot->key, key) == 0)
            return slot->value;
    }
}

static bool grow(ol_map *map, ol_arena *arena)
{
    size_t capacity = map->capacity ? map->capacity * 2 : OL_MAP_MIN_CAPACITY;
    ol_map_slot *slots = ol_arena_calloc(arena, capacity, sizeof *slots);
    if (!slots)
        return false;
    for (size_t j = 0; j < map->capacity; j++) {
        const ol_map_slot *old = &map->slots[j];
        if (!old->key)
            continue;
        size_t i = hash_key(old->key) & (capacity - 1);
        while (slots[i].key)
            i = (i + 1) & (capacity - 1);
        slots[i] = *old;
    }
    map->slots = slots;
    map->capacity = capacity;
    return true;
}

void *ol_map_put(ol_map *map, ol_arena *arena, const char *key, void *value)
{
    if ((map->count + 1) * 2 > map->capacity && !grow(map, arena))
        return NULL;
    size_t mask = map->capacity - 1;
    size_t i = hash_key(key) & mask;
    for (; map->slots[i].key; i = (i + 1) & mask) {
        if (strcmp(map->slots[i].key, key) == 0)
            return map->slots[i].value;
    }
    map->slots[i].key = key;
    map->slots[i].value = value;
    map->count++;
    return value;
}
