// SPDX-License-Identifier: GPL-3.0-or-later
// The page cache: one fixed-size LRU of decoded pages keyed by pfn, shared by
// every format backend (STYLE.md 3.3; libkdumpfile's cache is the model, its
// ARC the upgrade path).  Pages live in one big buffer; a chained hash finds
// a pfn, a doubly-linked list keeps the recency order.  Never used for live
// dumps (KD_FMT_LIVE): their memory changes under us.
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

#define NIL ((size_t)-1)

struct slot {
	uint64_t pfn;
	size_t prev, next;  // LRU list (head = most recent)
	size_t hnext;       // hash chain
	bool used;
};

struct kd_cache {
	size_t cap, used, page_size;
	size_t nbuckets;    // power of two
	size_t *buckets;
	struct slot *slots;
	unsigned char *data;
	size_t head, tail;
	size_t nfree;       // slots 0..cap-1 never used yet are handed out in order
	size_t pending;     // slot handed out by kd_cache_slot(), or NIL
	size_t *freelist;   // slots released by kd_cache_abort()
	size_t nfreelist;
	struct kd_cache_stats st;
};

size_t kd_cache_default_pages(void)
{
	const char *e = getenv("KDIVE_CACHE_PAGES");
	if (e && *e) {
		char *end;
		unsigned long long v = strtoull(e, &end, 0);
		if (!*end && v <= (1u << 24))
			return (size_t)v;
	}
	return 1024;
}

static size_t bucket(const struct kd_cache *c, uint64_t pfn)
{
	return (size_t)((pfn * 0x9e3779b97f4a7c15ULL) >> 20) & (c->nbuckets - 1);
}

static void free_storage(struct kd_cache *c)
{
	free(c->buckets);
	free(c->slots);
	free(c->data);
	free(c->freelist);
	c->buckets = NULL;
	c->slots = NULL;
	c->data = NULL;
	c->freelist = NULL;
}

static struct kd_error *alloc_storage(struct kd_cache *c, size_t npages)
{
	c->cap = npages;
	c->used = 0;
	c->head = c->tail = NIL;
	c->nfree = 0;
	c->nfreelist = 0;
	c->pending = NIL;
	if (!npages)
		return NULL;
	c->nbuckets = 1;
	while (c->nbuckets < 2 * npages)
		c->nbuckets <<= 1;
	c->buckets = malloc(c->nbuckets * sizeof(*c->buckets));
	c->slots = calloc(npages, sizeof(*c->slots));
	c->data = malloc(npages * c->page_size);
	c->freelist = malloc(npages * sizeof(*c->freelist));
	if (!c->buckets || !c->slots || !c->data || !c->freelist) {
		free_storage(c);
		c->cap = 0;
		return &kd_enomem;
	}
	for (size_t i = 0; i < c->nbuckets; i++)
		c->buckets[i] = NIL;
	return NULL;
}

struct kd_error *kd_cache_create(size_t npages, size_t page_size, struct kd_cache **ret)
{
	struct kd_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return &kd_enomem;
	c->page_size = page_size;
	struct kd_error *err = alloc_storage(c, npages);
	if (err) {
		free(c);
		return err;
	}
	*ret = c;
	return NULL;
}

void kd_cache_destroy(struct kd_cache *c)
{
	if (!c)
		return;
	free_storage(c);
	free(c);
}

struct kd_error *kd_cache_resize(struct kd_cache *c, size_t npages)
{
	free_storage(c);
	c->st.used = 0;
	return alloc_storage(c, npages);
}

static void list_unlink(struct kd_cache *c, size_t i)
{
	struct slot *s = &c->slots[i];
	if (s->prev != NIL)
		c->slots[s->prev].next = s->next;
	else
		c->head = s->next;
	if (s->next != NIL)
		c->slots[s->next].prev = s->prev;
	else
		c->tail = s->prev;
}

static void list_push_front(struct kd_cache *c, size_t i)
{
	struct slot *s = &c->slots[i];
	s->prev = NIL;
	s->next = c->head;
	if (c->head != NIL)
		c->slots[c->head].prev = i;
	c->head = i;
	if (c->tail == NIL)
		c->tail = i;
}

static void hash_remove(struct kd_cache *c, size_t i)
{
	size_t *pp = &c->buckets[bucket(c, c->slots[i].pfn)];
	while (*pp != NIL && *pp != i)
		pp = &c->slots[*pp].hnext;
	if (*pp == i)
		*pp = c->slots[i].hnext;
}

const void *kd_cache_lookup(struct kd_cache *c, uint64_t pfn)
{
	if (!c || !c->cap)
		return NULL;
	for (size_t i = c->buckets[bucket(c, pfn)]; i != NIL; i = c->slots[i].hnext) {
		if (c->slots[i].pfn == pfn) {
			c->st.hits++;
			if (c->head != i) {
				list_unlink(c, i);
				list_push_front(c, i);
			}
			return c->data + i * c->page_size;
		}
	}
	c->st.misses++;
	return NULL;
}

void *kd_cache_slot(struct kd_cache *c, uint64_t pfn)
{
	if (!c || !c->cap || c->pending != NIL)
		return NULL;
	size_t i;
	if (c->nfreelist) {
		i = c->freelist[--c->nfreelist];
	} else if (c->nfree < c->cap) {
		i = c->nfree++;
	} else {
		i = c->tail; // evict the least recently used page
		list_unlink(c, i);
		hash_remove(c, i);
		c->slots[i].used = false;
		c->used--;
		c->st.evictions++;
	}
	c->slots[i].pfn = pfn;
	c->pending = i;
	return c->data + i * c->page_size;
}

void kd_cache_commit(struct kd_cache *c)
{
	if (!c || c->pending == NIL)
		return;
	size_t i = c->pending;
	c->pending = NIL;
	struct slot *s = &c->slots[i];
	size_t b = bucket(c, s->pfn);
	s->hnext = c->buckets[b];
	c->buckets[b] = i;
	s->used = true;
	list_push_front(c, i);
	c->used++;
}

void kd_cache_abort(struct kd_cache *c)
{
	if (!c || c->pending == NIL)
		return;
	c->freelist[c->nfreelist++] = c->pending;
	c->pending = NIL;
}

void kd_cache_get_stats(const struct kd_cache *c, struct kd_cache_stats *st)
{
	*st = c->st;
	st->capacity = c->cap;
	st->used = c->used;
}
