// SPDX-License-Identifier: GPL-3.0-or-later
// The symbol table behind <kdive/symbols.h>: one array of symbols with a
// name hash (open addressing), an address-sorted index and, built on first
// use, a name-sorted index for prefix search; lookups by name and address,
// iteration and completion; and the symbols layer (kd_symbols_load).
//
// Sources, merged in this order: the kallsyms tables in the dump
// (kallsyms.c, read here, or their decoded form from the per-build index
// cache, index_cache.c), then --system-map and --vmlinux files
// (symfile.c), then, when kd_kmodules_load() runs, the loaded modules'
// symbols (kmodules.c), each module an "image" its symbols are tagged with.
// Lookups see module symbols only once modules are loaded.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>

#include "hash.h"
#include "index_cache.h"
#include "kallsyms.h"
#include "session_priv.h"
#include "symtab.h"

enum { ARENA_CHUNK = 256 * 1024 };

struct sym {
	uint64_t addr;
	uint64_t size;      // 0 unknown
	const char *name;
	uint32_t hash;
	char type;
	uint8_t origin;     // index into origins: where the symbol came from
	uint32_t image;     // 0 core, else index into images + 1
};

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
};

/* A module: its symbols are tagged with its name. */
enum { IMAGE_RANGES = 8 };  // struct module's mem[] has 7 (MOD_MEM_NUM_TYPES)

struct image {
	const char *name;  // in the arena
	uint64_t base[IMAGE_RANGES], size[IMAGE_RANGES];  // size 0: unused
	unsigned nranges;
};

struct kd_symtab {
	// Symbols 0..nbase-1: the kallsyms table adopted whole and used where it
	// lies (decoded, or mapped from the index cache): no copy per symbol.
	struct kd_kallsyms_table base;
	size_t nbase;
	uint8_t base_origin;
	uint64_t *base_size;   // sizes learnt later (kd_symtab_set_size); NULL until one is
	struct sym *syms;      // symbols nbase..n-1 (files, fallbacks, modules)
	size_t n, cap;         // n: all symbols; cap: syms' room
	struct arena_chunk *arena;
	uint32_t *hash;        // index + 1, 0 empty
	size_t hcap;           // power of two
	bool hash_borrowed;    // hash is the base's table (base.ht): not freed here
	uint32_t *by_addr;     // indices sorted by (addr, index)
	size_t n_by_addr;      // how many of syms are in by_addr
	uint32_t *by_name;     // indices sorted by (name, index); NULL until needed
	size_t n_by_name;
	uint64_t core_end;     // end of the kernel image (_end)
	struct image *images;
	size_t nimages;
	const char *origins[64]; // interned descriptions; 0 is "kallsyms"
	unsigned norigins;
	uint8_t origin_now;      // given to the symbols added next
	bool core_end_guessed;   // no _end: core_end follows the highest symbol
	bool fallback;           // no data symbols: datasyms.c fills in
	char **owned;            // name arenas adopted whole (kd_symtab_add_kallsyms)
	size_t nowned;
};

/* kallsyms entry i has a name (a type letter, a name, a NUL); the kernel skips those without. */
static inline bool named(const struct kd_kallsyms_table *k, uint32_t i)
{
	return k->start[i + 1] - k->start[i] >= 3;
}

/* Symbol i, wherever it is kept. */
static inline struct sym sym_get(const struct kd_symtab *t, size_t i)
{
	if (i >= t->nbase)
		return t->syms[i - t->nbase];
	const char *p = t->base.text + t->base.start[i];
	return (struct sym){ .addr = t->base.addr[i], .size = t->base_size ? t->base_size[i] : 0,
			     .name = p + 1, .hash = t->base.hash[i], .type = p[0], .origin = t->base_origin };
}

static inline uint64_t sym_addr(const struct kd_symtab *t, size_t i)
{
	return i < t->nbase ? t->base.addr[i] : t->syms[i - t->nbase].addr;
}

/* ---- storage ---------------------------------------------------------------- */

/* The name hash (hash.h): eight bytes at a time, only compared within this process. */
static uint32_t name_hash(const char *s, size_t len)
{
	return kd_hash32_fast(s, len);
}

static const char *arena_dup(struct kd_symtab *t, const char *s, size_t len)
{
	struct arena_chunk *c = t->arena;
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = t->arena;
		c->used = 0;
		c->cap = cap;
		t->arena = c;
	}
	char *p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

/* Open addressing, linear probing: index + 1 goes to the first free slot from hash. */
static void probe_insert(uint32_t *tab, size_t cap, uint32_t hash, uint32_t idx)
{
	size_t mask = cap - 1, i = hash & mask;
	while (tab[i])
		i = (i + 1) & mask;
	tab[i] = idx + 1;
}

static void hash_insert(struct kd_symtab *t, uint32_t idx)
{
	probe_insert(t->hash, t->hcap, sym_get(t, idx).hash, idx);
}

/* The table's size for n symbols: a power of two, at most half full. */
static size_t hash_cap(size_t n)
{
	size_t cap = 1024;
	while (cap < n * 2)
		cap *= 2;
	return cap;
}

static struct kd_error *hash_grow(struct kd_symtab *t, size_t want)
{
	size_t cap = hash_cap(want);
	if (cap <= t->hcap)
		return NULL;
	uint32_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return &kd_enomem;
	if (!t->hash_borrowed)
		free(t->hash);
	t->hash_borrowed = false;
	t->hash = h;
	t->hcap = cap;
	// Reinserting in index order keeps same-name symbols in insertion order
	// along their probe sequence.
	for (size_t i = 0; i < t->n; i++)
		hash_insert(t, (uint32_t)i);
	return NULL;
}

struct kd_error *kd_symtab_reserve(struct kd_symtab *t, size_t n)
{
	size_t own = t->n - t->nbase;
	if (own + n > t->cap) {
		struct sym *s = realloc(t->syms, (own + n) * sizeof(*s));
		if (!s)
			return &kd_enomem;
		t->syms = s;
		t->cap = own + n;
	}
	return (t->n + n) * 2 > t->hcap ? hash_grow(t, t->n + n) : NULL;
}

struct kd_error *kd_symtab_add(struct kd_symtab *t, const char *name, size_t len, char type,
			       uint64_t addr, uint64_t size, uint32_t image)
{
	if (t->n - t->nbase == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024; // kallsyms reserves its count first
		struct sym *s = realloc(t->syms, cap * sizeof(*s));
		if (!s)
			return &kd_enomem;
		t->syms = s;
		t->cap = cap;
	}
	if ((t->n + 1) * 2 > t->hcap) {
		struct kd_error *err = hash_grow(t, t->nbase + t->cap);
		if (err)
			return err;
	}
	const char *p = arena_dup(t, name, len);
	if (!p)
		return &kd_enomem;
	struct sym *s = &t->syms[t->n - t->nbase];
	*s = (struct sym){ .addr = addr, .size = size, .name = p, .hash = name_hash(name, len),
			   .type = type, .origin = t->origin_now, .image = image };
	hash_insert(t, (uint32_t)t->n);
	t->n++;
	if (t->core_end_guessed && !image && !kd_symtab_type_absolute(type) && addr + 4096 > t->core_end)
		t->core_end = addr + 4096;
	return NULL;
}

struct kd_error *kd_symtab_hash_names(struct kd_kallsyms_table *k)
{
	if (!k->hash) {
		if (!(k->hash = malloc(((size_t)k->n + 1) * sizeof(*k->hash))))
			return &kd_enomem;
		for (uint32_t i = 0; i < k->n; i++) {
			uint32_t span = k->start[i + 1] - k->start[i]; // type letter, name, NUL
			k->hash[i] = named(k, i) ? kd_hash32_fast_padded(k->text + k->start[i] + 1, span - 2) : 0;
		}
	}
	if (!k->ht) {
		// The hash table the symbol table would build for these
		// symbols alone, kept with them (index_cache.c).
		size_t cap = hash_cap(k->n);
		if (cap > UINT32_MAX || !(k->ht = calloc(cap, sizeof(*k->ht))))
			return &kd_enomem;
		k->hcap = (uint32_t)cap;
		for (uint32_t i = 0; i < k->n; i++)
			if (named(k, i))
				probe_insert(k->ht, cap, k->hash[i], i);
	}
	return NULL;
}

/*
 * kallsyms first into an empty table, every symbol named (the kernel's
 * always are): the table is adopted whole, with its hash table, and read
 * where it lies.  Anything else is copied symbol by symbol.
 */
static bool adopt(struct kd_symtab *t, struct kd_kallsyms_table *k)
{
	if (t->n || t->nbase || !k->ht || k->hcap < hash_cap(k->n))
		return false;
	for (uint32_t i = 0; i < k->n; i++)
		if (!named(k, i))
			return false;
	t->base = *k;
	memset(k, 0, sizeof(*k));
	t->nbase = t->n = t->base.n;
	t->base_origin = t->origin_now;
	t->hash = t->base.ht;
	t->hcap = t->base.hcap;
	t->hash_borrowed = true;
	return true;
}

struct kd_error *kd_symtab_add_kallsyms(struct kd_symtab *t, struct kd_kallsyms_table *k)
{
	struct kd_error *herr = kd_symtab_hash_names(k);
	if (herr)
		return herr;
	if (adopt(t, k))
		return NULL;
	char **o = realloc(t->owned, (t->nowned + 1) * sizeof(*o));
	if (!o)
		return &kd_enomem;
	t->owned = o;
	struct kd_error *err = kd_symtab_reserve(t, k->n);
	if (err)
		return err;
	char *text = k->text;
	if (k->map) { // the names must outlive the cache file's mapping
		size_t len = k->start[k->n];
		if (!(text = malloc(len + 8)))
			return &kd_enomem;
		memcpy(text, k->text, len);
		memset(text + len, 0, 8);
	}
	t->owned[t->nowned++] = text;
	for (uint32_t i = 0; i < k->n; i++) {
		if (!named(k, i))
			continue;
		const char *p = text + k->start[i];
		t->syms[t->n - t->nbase] = (struct sym){ .addr = k->addr[i], .name = p + 1, .hash = k->hash[i],
					      .type = p[0], .origin = t->origin_now };
		hash_insert(t, (uint32_t)t->n);
		t->n++;
	}
	if (!k->map)
		k->text = NULL;
	kd_kallsyms_table_free(k);
	return NULL;
}

uint8_t kd_symtab_origin(struct kd_symtab *t, const char *desc)
{
	if (!t->norigins)
		t->origins[t->norigins++] = "kallsyms";
	for (unsigned i = 0; i < t->norigins; i++)
		if (strcmp(t->origins[i], desc) == 0)
			return (uint8_t)i;
	if (t->norigins == sizeof(t->origins) / sizeof(t->origins[0]))
		return 0;
	const char *p = arena_dup(t, desc, strlen(desc));
	if (!p)
		return 0;
	t->origins[t->norigins] = p;
	return (uint8_t)t->norigins++;
}

void kd_symtab_set_fallback(struct kd_symtab *t)
{
	t->fallback = true;
}

bool kd_symtab_fallback(const struct kd_symtab *t)
{
	return t->fallback;
}

void kd_symtab_set_origin(struct kd_symtab *t, uint8_t origin)
{
	t->origin_now = origin;
}

/* Calls fn(t, index, arg) for each symbol named name in insertion order; stops on non-zero. */
static int for_each_named(const struct kd_symtab *t, const char *name, size_t len,
			  int (*fn)(const struct kd_symtab *t, uint32_t idx, void *arg), void *arg)
{
	if (!t || !t->hcap)
		return 0;
	uint32_t h = name_hash(name, len);
	size_t mask = t->hcap - 1;
	for (size_t i = h & mask; t->hash[i]; i = (i + 1) & mask) {
		uint32_t idx = t->hash[i] - 1;
		const struct sym s = sym_get(t, idx);
		if (s.hash == h && strncmp(s.name, name, len) == 0 && s.name[len] == '\0') {
			int r = fn(t, idx, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

struct origin_arg {
	uint64_t addr;
	const char *ret;
};

static int origin_cb(const struct kd_symtab *t, uint32_t idx, void *arg)
{
	struct origin_arg *o = arg;
	const struct sym sy = sym_get(t, idx);
	if (sy.addr != o->addr)
		return 0;
	o->ret = sy.image && !sy.origin ? "module kallsyms" : sy.origin < t->norigins ? t->origins[sy.origin] : "kallsyms";
	return 1;
}

const char *kd_symtab_origin_of(const struct kd_symtab *t, const char *name, uint64_t addr)
{
	struct origin_arg o = { .addr = addr };
	for_each_named(t, name, strlen(name), origin_cb, &o);
	return o.ret;
}

static int first_cb(const struct kd_symtab *t, uint32_t idx, void *arg)
{
	(void)t;
	*(int64_t *)arg = idx;
	return 1;
}

static int64_t find_first(const struct kd_symtab *t, const char *name)
{
	int64_t idx = -1;
	for_each_named(t, name, strlen(name), first_cb, &idx);
	return idx;
}

static const struct kd_symtab *sort_ctx;

static int cmp_addr(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t ax = sym_addr(sort_ctx, x), ay = sym_addr(sort_ctx, y);
	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(sym_get(sort_ctx, x).name, sym_get(sort_ctx, y).name);
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * Bring a sorted index up to date with the symbols added since: sort the new
 * ones, then merge.  kallsyms is already in address order, so the common
 * case is a linear check.
 */
static struct kd_error *index_update(struct kd_symtab *t, uint32_t **idxp, size_t *np,
				     int (*cmp)(const void *, const void *))
{
	size_t old = *np, n = t->n;
	if (old == n && *idxp)
		return NULL;
	uint32_t *idx = realloc(*idxp, (n ? n : 1) * sizeof(*idx));
	if (!idx)
		return &kd_enomem;
	*idxp = idx;
	for (size_t i = old; i < n; i++)
		idx[i] = (uint32_t)i;
	sort_ctx = t;
	bool sorted = true;
	if (cmp == cmp_addr) // the common case (kallsyms), without a call per pair
		for (size_t i = old + 1; i < n && sorted; i++)
			sorted = sym_addr(t, i - 1) <= sym_addr(t, i);
	else
		for (size_t i = old + 1; i < n && sorted; i++)
			sorted = cmp(&idx[i - 1], &idx[i]) < 0;
	if (!sorted)
		qsort(idx + old, n - old, sizeof(*idx), cmp);
	if (old && n > old && cmp(&idx[old - 1], &idx[old]) > 0) {
		uint32_t *m = malloc(n * sizeof(*m));
		if (!m)
			return &kd_enomem;
		size_t i = 0, j = old, k = 0;
		while (i < old && j < n)
			m[k++] = cmp(&idx[i], &idx[j]) <= 0 ? idx[i++] : idx[j++];
		while (i < old)
			m[k++] = idx[i++];
		while (j < n)
			m[k++] = idx[j++];
		memcpy(idx, m, n * sizeof(*m));
		free(m);
	}
	*np = n;
	return NULL;
}

static struct kd_error *sync_by_addr(struct kd_symtab *t)
{
	return index_update(t, &t->by_addr, &t->n_by_addr, cmp_addr);
}

struct kd_symtab *kd_symtab_create(void)
{
	return calloc(1, sizeof(struct kd_symtab));
}

void kd_symtab_destroy(struct kd_symtab *t)
{
	if (!t)
		return;
	while (t->arena) {
		struct arena_chunk *c = t->arena;
		t->arena = c->next;
		free(c);
	}
	for (size_t i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->images);
	free(t->syms);
	if (!t->hash_borrowed)
		free(t->hash);
	kd_kallsyms_table_free(&t->base);
	free(t->base_size);
	free(t->by_addr);
	free(t->by_name);
	free(t);
}

static void fill(const struct kd_symtab *t, uint32_t idx, struct kd_symbol *ret)
{
	const struct sym s = sym_get(t, idx);
	*ret = (struct kd_symbol){ .name = s.name, .address = s.addr, .size = s.size, .type = s.type,
				   .module = s.image ? t->images[s.image - 1].name : NULL };
}

struct kd_error *kd_symtab_add_image(struct kd_symtab *t, const char *name, uint64_t base,
				     uint64_t size, uint32_t *id_ret)
{
	if (t->nimages >= UINT32_MAX - 1)
		return kd_error_create(KD_ERR_CORRUPT, "too many modules");
	struct image *im = realloc(t->images, (t->nimages + 1) * sizeof(*im));
	if (!im)
		return &kd_enomem;
	t->images = im;
	const char *p = arena_dup(t, name, strlen(name));
	if (!p)
		return &kd_enomem;
	t->images[t->nimages++] = (struct image){ .name = p, .base = { base }, .size = { size },
						  .nranges = size ? 1 : 0 };
	*id_ret = (uint32_t)t->nimages;
	return NULL;
}

struct kd_error *kd_symtab_add_image_range(struct kd_symtab *t, uint32_t id, uint64_t base,
					   uint64_t size)
{
	if (!id || id > t->nimages)
		return kd_error_create(KD_ERR_USAGE, "no image %u", id);
	struct image *m = &t->images[id - 1];
	if (!size)
		return NULL;
	if (m->nranges >= IMAGE_RANGES)
		return kd_error_create(KD_ERR_CORRUPT, "module %s: more than %d memory ranges", m->name,
				       IMAGE_RANGES);
	m->base[m->nranges] = base;
	m->size[m->nranges++] = size;
	return NULL;
}

size_t kd_symtab_count(const struct kd_symtab *t)
{
	return t->n;
}

void kd_symtab_get(const struct kd_symtab *t, size_t i, struct kd_symbol *ret)
{
	fill(t, (uint32_t)i, ret);
}

void kd_symtab_set_size(struct kd_symtab *t, size_t i, uint64_t size)
{
	if (i >= t->n)
		return;
	if (i >= t->nbase) {
		if (!t->syms[i - t->nbase].size)
			t->syms[i - t->nbase].size = size;
		return;
	}
	if (!t->base_size && !(t->base_size = calloc(t->nbase, sizeof(*t->base_size))))
		return; // only less precise
	if (!t->base_size[i])
		t->base_size[i] = size;
}

bool kd_symtab_find(const struct kd_symtab *t, const char *name, struct kd_symbol *ret)
{
	int64_t i = find_first(t, name);
	if (i >= 0)
		fill(t, (uint32_t)i, ret);
	return i >= 0;
}

struct has_at_ctx {
	struct kd_symtab *t;
	uint64_t addr, size;
	bool found;
};

static int has_at_cb(const struct kd_symtab *ct, uint32_t idx, void *arg)
{
	(void)ct;
	struct has_at_ctx *c = arg;
	if (sym_addr(c->t, idx) != c->addr)
		return 0;
	c->found = true;
	kd_symtab_set_size(c->t, idx, c->size);
	return 1;
}

bool kd_symtab_has_at(struct kd_symtab *t, const char *name, uint64_t addr, uint64_t size)
{
	struct has_at_ctx c = { .t = t, .addr = addr, .size = size };
	for_each_named(t, name, strlen(name), has_at_cb, &c);
	return c.found;
}

struct kd_error *kd_symtab_index(struct kd_symtab *t)
{
	return sync_by_addr(t);
}

struct kd_error *kd_symtab_foreach_image(struct kd_symtab *t, uint32_t image, kd_symbol_fn *fn,
					 void *arg)
{
	struct kd_error *err = sync_by_addr(t);
	if (err)
		return err;
	for (size_t k = 0; k < t->n_by_addr; k++) {
		uint32_t idx = t->by_addr[k];
		if (sym_get(t, idx).image != image)
			continue;
		struct kd_symbol ks;
		fill(t, idx, &ks);
		if (fn(&ks, arg))
			break;
	}
	return NULL;
}

/* ---- kallsyms from the dump ------------------------------------------------- */

static struct kd_error *read_kernel_cb(void *arg, uint64_t va, void *buf, size_t len)
{
	return kd_read_kernel(arg, va, buf, len);
}

uint64_t kd_symtab_vmci_symbol(struct kd_session *s, const char *name)
{
	char key[128];
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	uint64_t v = 0;
	if (!kd_vmcoreinfo_get(s, key))
		return 0;
	struct kd_error *err = kd_vmcoreinfo_number(s, key, &v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return v;
}

static struct kd_error *load_kallsyms(struct kd_session *s, struct kd_symtab *t)
{
	struct kd_kallsyms_layout l = {
		.names = kd_symtab_vmci_symbol(s, "kallsyms_names"),
		.token_table = kd_symtab_vmci_symbol(s, "kallsyms_token_table"),
		.token_index = kd_symtab_vmci_symbol(s, "kallsyms_token_index"),
		.num_syms = kd_symtab_vmci_symbol(s, "kallsyms_num_syms"),
		.offsets = kd_symtab_vmci_symbol(s, "kallsyms_offsets"),
		.relative_base = kd_symtab_vmci_symbol(s, "kallsyms_relative_base"),
		.addresses = kd_symtab_vmci_symbol(s, "kallsyms_addresses"),
		.stext = kd_symtab_vmci_symbol(s, "_stext"),
	};
	// The build's table from the index cache, else decoded (and kept).
	struct kd_kallsyms_table tab;
	struct kd_error *err = NULL;
	if (!kd_index_cache_kallsyms_load(s, &l, &tab)) {
		err = kd_kallsyms_decode_table(&l, read_kernel_cb, s, &tab);
		if (err)
			return kd_error_prefix(err, "kallsyms");
		if (!kd_symtab_hash_names(&tab))
			kd_index_cache_kallsyms_store(s, &l, &tab);
	}
	err = kd_symtab_add_kallsyms(t, &tab);
	kd_kallsyms_table_free(&tab);
	return err;
}

/* ---- the layer ------------------------------------------------------------------ */

static struct kd_error *symbols_load(struct kd_session *s)
{
	if (!s->core)
		return NULL;
	struct kd_symtab *t = kd_symtab_create();
	if (!t)
		return &kd_enomem;
	s->symtab = t;
	struct kd_error *kerr = load_kallsyms(s, t);
	if (kerr) {
		// Start over: a half-decoded table is worse than none.
		kd_symtab_destroy(t);
		t = kd_symtab_create();
		s->symtab = t;
		if (!t) {
			kd_error_destroy(kerr);
			return &kd_enomem;
		}
	}
	struct kd_error *err = NULL;
	if (s->opts.system_map) {
		kd_symtab_set_origin(t, kd_symtab_origin(t, "System.map"));
		err = kd_symfile_load(s, t, s->opts.system_map, "System.map");
	}
	if (!err && s->opts.vmlinux) {
		kd_symtab_set_origin(t, kd_symtab_origin(t, "vmlinux"));
		err = kd_symfile_load(s, t, s->opts.vmlinux, "vmlinux");
	}
	// Data symbols a kernel without KALLSYMS_ALL leaves out (what the files
	// above gave wins: only missing names are added).
	if (!err && t->n)
		kd_datasyms_early(s, t);
	kd_symtab_set_origin(t, 0);
	if (!err)
		err = sync_by_addr(t);
	if (!err) {
		int64_t e = find_first(t, "_end");
		t->core_end = e >= 0 ? sym_addr(t, e) : 0;
		t->core_end_guessed = !t->core_end;
		for (size_t i = 0; t->core_end_guessed && i < t->n; i++)
			if (!kd_symtab_type_absolute(sym_get(t, i).type) && sym_addr(t, i) + 4096 > t->core_end)
				t->core_end = sym_addr(t, i) + 4096;
	}
	if (err) {
		kd_error_destroy(kerr);
		kd_symtab_destroy(t);
		s->symtab = NULL;
		return err;
	}
	if (t->n == 0) {
		kd_symtab_destroy(t);
		s->symtab = NULL;
		if (!kerr)
			kerr = kd_error_create(KD_ERR_NOTFOUND, "no symbols");
		return kd_error_prefix(kerr, "no symbol table (use --system-map or --vmlinux)");
	}
	if (kerr && !s->opts.system_map && !s->opts.vmlinux)
		return kerr;
	kd_error_destroy(kerr);
	return NULL;
}

/*
 * The symbol table is built when first asked for: the dispatcher calls
 * kd_symbols_load() before a command that declares KD_CMD_NEEDS_SYMBOLS or
 * KD_CMD_USES_SYMBOLS, so commands that need no symbols (sys, log, rd -p)
 * start in milliseconds.  Files given on the command line are read when the
 * dump opens (kd_session_create), so a System.map or vmlinux that does not
 * belong to the dump is refused at once.  The load runs once; its error is
 * kept and handed (as a copy) to every later caller.  After it the arch
 * layer gets its second stage (it reads page_offset_base and friends
 * through the symbols, or derives them from the page tables without them).
 */
struct kd_error *kd_symbols_load(struct kd_session *s)
{
	if (!s->symbols_state.tried) {
		s->symbols_state.tried = true;
		s->symbols_state.err = symbols_load(s);
		struct kd_error *err = kd_vm_post_symbols(s);
		if (err) {
			kd_warn(s, "address translation: %s", err->msg);
			kd_error_destroy(err);
		}
	}
	return kd_error_copy(s->symbols_state.err);
}

void kd_symbols_unload(struct kd_session *s)
{
	kd_kmodules_unload(s); // module symbols live in the table
	kd_symtab_destroy(s->symtab);
	s->symtab = NULL;
	kd_error_destroy(s->symbols_state.err);
	s->symbols_state.err = NULL;
	s->symbols_state.tried = false;
}

bool kd_symtab_extent(struct kd_session *s, const char *name, uint64_t *addr_ret, uint64_t *size_ret,
		      bool *exact_ret)
{
	struct kd_symtab *t = s->symtab;
	int64_t i = t ? find_first(t, name) : -1;
	if (i < 0)
		return false;
	const struct sym sy = sym_get(t, i);
	*addr_ret = sy.addr;
	*exact_ret = sy.size != 0;
	*size_ret = sy.size;
	if (sy.size || sync_by_addr(t))
		return true;
	// Distance to the next higher address.
	size_t lo = 0, hi = t->n_by_addr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sym_addr(t, t->by_addr[mid]) <= sy.addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*size_ret = lo < t->n_by_addr ? sym_addr(t, t->by_addr[lo]) - sy.addr : 0;
	return true;
}


/* ---- public API ---------------------------------------------------------------- */

static struct kd_error *no_symbols(void)
{
	return kd_error_create(KD_ERR_UNSUPPORTED, "no symbol table (kallsyms not found in the dump; "
				"use --system-map or --vmlinux)");
}

bool kd_symbols_available(const struct kd_session *s)
{
	return s->symtab != NULL;
}

bool kd_symbol_is_absolute(const struct kd_symbol *sym)
{
	return kd_symtab_type_absolute(sym->type);
}

struct kd_error *kd_symbol_find(struct kd_session *s, const char *name, struct kd_symbol *ret)
{
	if (!s->symtab)
		return no_symbols();
	if (!kd_symtab_find(s->symtab, name, ret))
		return kd_error_create(KD_ERR_NOTFOUND, "no symbol '%s'", name);
	return NULL;
}

struct kd_error *kd_symbol_address(struct kd_session *s, const char *name, uint64_t *addr_ret)
{
	struct kd_symbol sym;
	struct kd_error *err = kd_symbol_find(s, name, &sym);
	if (!err)
		*addr_ret = sym.address;
	return err;
}

static const struct image *image_containing(const struct kd_symtab *t, uint64_t addr)
{
	for (size_t i = 0; i < t->nimages; i++) {
		const struct image *m = &t->images[i];
		for (unsigned r = 0; r < m->nranges; r++)
			if (addr >= m->base[r] && addr - m->base[r] < m->size[r])
				return m;
	}
	return NULL;
}

/*
 * Does a core symbol of the kernel image reach addr (above it, below the
 * next symbol)?  kallsyms gives no sizes, so a symbol reaches the next one,
 * except where that one may be far away:
 *  - a section's end marker (include/asm-generic/sections.h and the arch's
 *    asm/sections.h) covers nothing after it: past _etext comes unnamed
 *    read-only data when kallsyms holds text symbols only;
 *  - a data symbol found outside the symbol table (datasyms.c, for a kernel
 *    without KALLSYMS_ALL: most variables there have no symbol) reaches its
 *    size, or one page when that is unknown.
 */
enum { FALLBACK_REACH = 4096 };

static bool reaches(const struct kd_symtab *t, const struct sym *sy, uint64_t addr)
{
	static const char *const ends[] = {
		"_etext", "_einittext", "__exittext_end", "__init_end", "_edata", "_end", "__bss_stop",
		"__end_rodata", "__end_ro_after_init", "__per_cpu_end", "__stop___ksymtab",
		"__stop___ksymtab_gpl", "__stop_BTF", "__entry_tramp_text_end", "__hibernate_exit_text_end",
		"__relocate_new_kernel_end",
	};
	if (addr == sy->addr)
		return true;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (strcmp(sy->name, ends[i]) == 0)
			return false;
	bool fallback = sy->origin && sy->origin < t->norigins && strcmp(t->origins[sy->origin], "System.map") != 0 &&
			strcmp(t->origins[sy->origin], "vmlinux") != 0;
	if (!fallback || strchr("TtWw", sy->type))
		return true;
	return addr - sy->addr < (sy->size ? sy->size : FALLBACK_REACH);
}

struct kd_error *kd_symbol_at(struct kd_session *s, uint64_t addr, struct kd_symbol *ret,
			      uint64_t *offset_ret)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	struct kd_error *err = sync_by_addr(t);
	if (err)
		return err;
	// The last group of symbols at an address <= addr with a usable member.
	size_t lo = 0, hi = t->n_by_addr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sym_addr(t, t->by_addr[mid]) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		uint64_t a = sym_addr(t, t->by_addr[lo - 1]);
		size_t first = lo - 1;
		while (first > 0 && sym_addr(t, t->by_addr[first - 1]) == a)
			first--;
		for (size_t k = first; k < lo; k++) {
			const struct sym sy = sym_get(t, t->by_addr[k]);
			bool absolute = kd_symtab_type_absolute(sy.type);
			if (absolute && a != addr)
				continue;
			// Inside the kernel image or the module the symbol belongs to
			// (a symbol's own address always is: _end is one).
			bool inside;
			if (absolute || a == addr)
				inside = true;
			else if (sy.image) {
				const struct image *m = &t->images[sy.image - 1];
				inside = m->nranges ? image_containing(t, addr) == m
						 : addr - sy.addr < (sy.size ? sy.size : 4096);
			} else {
				inside = addr < t->core_end && reaches(t, &sy, addr);
			}
			if (!inside)
				goto notfound;
			fill(t, t->by_addr[k], ret);
			if (offset_ret)
				*offset_ret = addr - sy.addr;
			return NULL;
		}
		lo = first;
	}
notfound:
	return kd_error_create(KD_ERR_NOTFOUND, "no symbol at 0x%" PRIx64, addr);
}

/* What kd_kmodules_load() left: its kept error, or that it did not run. */
static struct kd_error *modules_status(const struct kd_session *s)
{
	if (!s->modules_state.tried)
		return kd_error_create(KD_ERR_UNSUPPORTED, "module symbols: not loaded");
	return kd_error_copy(s->modules_state.err);
}

struct kd_error *kd_symbol_foreach(struct kd_session *s, unsigned set, kd_symbol_fn *fn, void *arg)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	struct kd_error *err = sync_by_addr(t);
	if (err)
		return err;
	for (size_t i = 0; i < t->n_by_addr; i++) {
		const struct sym sy = sym_get(t, t->by_addr[i]);
		if (!(set & (sy.image ? KD_SYM_MODULES : KD_SYM_CORE)))
			continue;
		struct kd_symbol ks;
		fill(t, t->by_addr[i], &ks);
		if (fn(&ks, arg))
			break;
		if ((i & 4095) == 0 && (err = kd_check_interrupt(s)))
			return err;
	}
	return (set & KD_SYM_MODULES) ? modules_status(s) : NULL;
}

struct named_ctx {
	kd_symbol_fn *fn;
	void *arg;
};

static int named_cb(const struct kd_symtab *t, uint32_t idx, void *arg)
{
	struct named_ctx *c = arg;
	struct kd_symbol ks;
	fill(t, idx, &ks);
	return c->fn(&ks, c->arg);
}

struct kd_error *kd_symbol_foreach_named(struct kd_session *s, const char *name, kd_symbol_fn *fn,
					 void *arg)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	struct named_ctx c = { fn, arg };
	for_each_named(t, name, strlen(name), named_cb, &c);
	return NULL;
}

struct kd_error *kd_symbol_complete(struct kd_session *s, const char *prefix, kd_symbol_fn *fn,
				    void *arg)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	struct kd_error *err = index_update(t, &t->by_name, &t->n_by_name, cmp_name);
	if (err)
		return err;
	size_t plen = strlen(prefix);
	size_t lo = 0, hi = t->n_by_name;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strncmp(sym_get(t, t->by_name[mid]).name, prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const char *last = NULL;
	for (size_t i = lo; i < t->n_by_name; i++) {
		const struct sym sy = sym_get(t, t->by_name[i]);
		if (strncmp(sy.name, prefix, plen) != 0)
			break;
		if (last && strcmp(last, sy.name) == 0)
			continue;
		last = sy.name;
		struct kd_symbol ks;
		fill(t, t->by_name[i], &ks);
		if (fn(&ks, arg))
			break;
	}
	return NULL;
}

const char *kd_symbol_origin(struct kd_session *s, const struct kd_symbol *sym)
{
	return s->symtab ? kd_symtab_origin_of(s->symtab, sym->name, sym->address) : NULL;
}

struct kd_error *kd_percpu_offset(struct kd_session *s, unsigned cpu, uint64_t *ret)
{
	uint64_t base;
	struct kd_error *err = kd_symbol_address(s, "__per_cpu_offset", &base);
	if (err)
		return err;
	unsigned ncpus = kd_dump_nr_cpus(s);
	if (ncpus && cpu >= ncpus)
		return kd_error_create(KD_ERR_USAGE, "CPU %u: the dump has %u CPUs", cpu, ncpus);
	return kd_read_kernel(s, base + (uint64_t)cpu * 8, ret, sizeof(*ret));
}
