// SPDX-License-Identifier: GPL-3.0-or-later
// Finding types: kdive's index of named types (libbpf's lookups are linear
// scans; the dump's is kept in the per-build index cache), an index of enumerators built on first use, lookups by name
// ("task_struct", "struct x", "unsigned long") and of C type text
// ("struct list_head *", "char [16]"), the "synthetic" array types that
// BTF lacks for the well-known variables (linux_banner), type descriptions
// (kd_type_get), typedef stripping and completion of type names.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <kdive/types.h>

#include "hash.h"
#include "index_cache.h"
#include "session_priv.h"
#include "types.h"

#ifdef HAVE_LIBBPF

static uint32_t hash_str(const char *s)
{
	return kd_hash32_fast(s, strlen(s));
}

static bool indexed_kind(int k)
{
	switch (k) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
	case BTF_KIND_TYPEDEF: case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_FWD:
	case BTF_KIND_VAR: case BTF_KIND_DATASEC: case BTF_KIND_FUNC:
		return true;
	default:
		return false;
	}
}

/*
 * One pass over the types: the table is sized by the number of ids (at
 * most half full), so nothing is counted first.
 */
struct kd_error *kd_types_index_names(struct kd_types *t)
{
	size_t cap = 1024;
	while (cap < (size_t)t->nids * 2)
		cap *= 2;
	t->names = calloc(cap, sizeof(*t->names));
	if (!t->names)
		return &kd_enomem;
	t->ncap = cap;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!bt->name_off || !indexed_kind(btf_kind(bt)))
			continue;
		size_t i = hash_str(tname(t, bt)) & (cap - 1);
		while (t->names[i])
			i = (i + 1) & (cap - 1);
		t->names[i] = id;
	}
	return NULL;
}

/*
 * After modules' types were merged (types_split.c), ids from..nids-1 are new:
 * add them to the name and enumerator indexes in place, behind the kernel's
 * own (a probe meets the kernel's type of a name first, as a rebuild in id
 * order would), when the tables have room (a table is built at most half
 * full; up to an eighth more keeps probes short).  False: rebuild instead.
 */
bool kd_types_index_more(struct kd_types *t, uint32_t from)
{
	if (!t->names || from > t->nids || (size_t)(t->nids - from) > t->ncap / 8)
		return false;
	size_t nenum = 0;
	for (uint32_t id = from; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (btf_is_any_enum(bt))
			nenum += btf_vlen(bt);
	}
	if (t->enumerators && nenum > t->ecap / 8)
		return false;
	for (uint32_t id = from; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (bt->name_off && indexed_kind(btf_kind(bt))) {
			size_t i = hash_str(tname(t, bt)) & (t->ncap - 1);
			while (t->names[i])
				i = (i + 1) & (t->ncap - 1);
			t->names[i] = id;
		}
		if (!t->enumerators || !btf_is_any_enum(bt))
			continue;
		for (uint32_t k = 0; k < btf_vlen(bt); k++) {
			uint32_t noff = btf_is_enum(bt) ? btf_enum(bt)[k].name_off : btf_enum64(bt)[k].name_off;
			size_t i = hash_str(str_at(t, noff)) & (t->ecap - 1);
			while (t->enumerators[i])
				i = (i + 1) & (t->ecap - 1);
			t->enumerators[i] = (uint64_t)id << 32 | (k + 1);
		}
	}
	return true;
}

/* The index-cache key of one of t's indexes (t->cache_session set). */
static struct kd_btf_index cache_key(const struct kd_types *t, const char *what, size_t esize)
{
	uint32_t size = 0;
	btf__raw_data(t->btf, &size);
	return (struct kd_btf_index){ .what = what, .btf_size = size, .btf_sum = t->btf_sum,
				      .nids = t->nids, .entry_size = esize };
}

/*
 * The same index for the dump's own BTF through the per-build index cache
 * (index_cache.c): taken from it when it was built from these very bytes,
 * else built and kept.  The enumerator index follows t->cache_session too.
 */
struct kd_error *kd_types_index_names_cached(struct kd_session *s, struct kd_types *t)
{
	uint32_t size = 0;
	const void *raw = btf__raw_data(t->btf, &size);
	if (!raw || s->opts.no_cache)
		return kd_types_index_names(t);
	t->cache_session = s;
	t->btf_sum = kd_index_cache_btf_sum(raw, size);
	struct kd_btf_index key = cache_key(t, "btfnames", sizeof(*t->names));
	void *tab;
	if (kd_index_cache_btf_load(s, &key, &tab, &t->ncap, &t->names_map)) {
		t->names = tab;
		return NULL;
	}
	struct kd_error *err = kd_types_index_names(t);
	if (!err)
		kd_index_cache_btf_store(s, &key, t->names, t->ncap);
	return err;
}

uint32_t kd_types_lookup(const struct kd_types *t, const char *name, uint32_t want)
{
	if (!t->names)
		return 0;
	size_t mask = t->ncap - 1;
	for (size_t i = hash_str(name) & mask; t->names[i]; i = (i + 1) & mask) {
		const struct btf_type *bt = btf__type_by_id(t->btf, t->names[i]);
		if ((want & (1u << btf_kind(bt))) && strcmp(tname(t, bt), name) == 0)
			return t->names[i];
	}
	return 0;
}

static struct kd_error *build_enum_index(struct kd_types *t)
{
	struct kd_btf_index key;
	if (t->cache_session) {
		key = cache_key(t, "btfenums", sizeof(*t->enumerators));
		void *tab;
		if (kd_index_cache_btf_load(t->cache_session, &key, &tab, &t->ecap, &t->enum_map)) {
			t->enumerators = tab;
			return NULL;
		}
	}
	size_t count = 0;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (btf_is_any_enum(bt))
			count += btf_vlen(bt);
	}
	size_t cap = 1024;
	while (cap < count * 2)
		cap *= 2;
	uint64_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return &kd_enomem;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!btf_is_any_enum(bt))
			continue;
		for (uint32_t k = 0; k < btf_vlen(bt); k++) {
			uint32_t noff = btf_is_enum(bt) ? btf_enum(bt)[k].name_off : btf_enum64(bt)[k].name_off;
			size_t i = hash_str(str_at(t, noff)) & (cap - 1);
			while (h[i])
				i = (i + 1) & (cap - 1);
			h[i] = (uint64_t)id << 32 | (k + 1);
		}
	}
	t->enumerators = h;
	t->ecap = cap;
	if (t->cache_session)
		kd_index_cache_btf_store(t->cache_session, &key, h, cap);
	return NULL;
}

void kd_types_enum_entry(const struct kd_types *t, const struct btf_type *bt, uint32_t k,
		       const char **name, int64_t *val)
{
	if (btf_is_enum(bt)) {
		const struct btf_enum *e = &btf_enum(bt)[k];
		*name = str_at(t, e->name_off);
		*val = btf_kflag(bt) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = &btf_enum64(bt)[k];
		*name = str_at(t, e->name_off);
		*val = (int64_t)btf_enum64_value(e);
	}
}

struct kd_error *kd_types_cache_detach(struct kd_types *t)
{
	struct kd_error *err = NULL;
	if (t->cache_session && !t->enumerators)
		err = build_enum_index(t);
	t->cache_session = NULL;
	return err;
}

struct kd_error *kd_types_enumerator(struct kd_types *t, const char *name, int64_t *value_ret)
{
	if (!t->enumerators) {
		struct kd_error *err = build_enum_index(t);
		if (err)
			return err;
	}
	size_t mask = t->ecap - 1;
	for (size_t i = hash_str(name) & mask; t->enumerators[i]; i = (i + 1) & mask) {
		uint32_t id = (uint32_t)(t->enumerators[i] >> 32);
		uint32_t k = (uint32_t)t->enumerators[i] - 1;
		const struct btf_type *bt = bt_of(t, id);
		if (!bt || !btf_is_any_enum(bt) || k >= btf_vlen(bt)) // a damaged cached index
			continue;
		const char *n;
		int64_t v;
		kd_types_enum_entry(t, bt, k, &n, &v);
		if (strcmp(n, name) == 0) {
			*value_ret = v;
			return NULL;
		}
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no enum has a value '%s'", name);
}

/* C spellings to the names gcc gives base types in BTF. */
static const char *base_alias(const char *n)
{
	static const char *const alias[][2] = {
		{ "unsigned long", "long unsigned int" }, { "long", "long int" },
		{ "unsigned long long", "long long unsigned int" }, { "long long", "long long int" },
		{ "unsigned", "unsigned int" }, { "short", "short int" },
		{ "unsigned short", "short unsigned int" }, { "signed char", "signed char" },
		{ "unsigned long int", "long unsigned int" }, { "bool", "_Bool" },
	};
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(alias[i][0], n) == 0)
			return alias[i][1];
	return n;
}

static uint32_t find_type(const struct kd_types *t, const char *name)
{
	while (*name == ' ')
		name++;
	static const struct {
		const char *prefix;
		uint32_t kinds;
	} tagged[] = {
		{ "struct ", K(BTF_KIND_STRUCT) },
		{ "union ", K(BTF_KIND_UNION) },
		{ "enum ", K(BTF_KIND_ENUM) | K(BTF_KIND_ENUM64) },
	};
	for (size_t i = 0; i < 3; i++) {
		size_t pl = strlen(tagged[i].prefix);
		if (strncmp(name, tagged[i].prefix, pl) == 0) {
			uint32_t id = kd_types_lookup(t, name + pl, tagged[i].kinds);
			return id ? id : kd_types_lookup(t, name + pl, K(BTF_KIND_FWD));
		}
	}
	static const uint32_t order[] = {
		K(BTF_KIND_STRUCT), K(BTF_KIND_UNION), K(BTF_KIND_ENUM) | K(BTF_KIND_ENUM64),
		K(BTF_KIND_TYPEDEF), K(BTF_KIND_INT) | K(BTF_KIND_FLOAT), K(BTF_KIND_FWD),
	};
	name = base_alias(name);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t id = kd_types_lookup(t, name, order[i]);
		if (id)
			return id;
	}
	return 0;
}

static uint32_t add_synth(struct kd_types *t, uint32_t elem, uint64_t nelems)
{
	for (size_t i = 0; i < t->nsynth; i++)
		if (t->synth[i].elem == elem && t->synth[i].nelems == nelems)
			return KD_TYPES_SYNTH_BASE + (uint32_t)i;
	struct synth_array *a = realloc(t->synth, (t->nsynth + 1) * sizeof(*a));
	if (!a)
		return 0;
	t->synth = a;
	a[t->nsynth] = (struct synth_array){ elem, nelems };
	return KD_TYPES_SYNTH_BASE + (uint32_t)t->nsynth++;
}

static uint32_t find_ptr_to(const struct kd_types *t, uint32_t target)
{
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (btf_is_ptr(bt) && bt->type == target)
			return id;
	}
	return 0;
}

/*
 * A type written in C: a name, then "*"s, then one "[]" or "[N]"; "[]" takes
 * its length from array_len.  Pointers are looked up among BTF's own.
 */
uint32_t kd_types_parse_c(struct kd_types *t, const char *text, uint64_t array_len)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", text);
	char *br = strchr(buf, '[');
	uint64_t n = 0;
	bool array = br != NULL;
	if (br) {
		n = br[1] == ']' ? array_len : strtoull(br + 1, NULL, 10);
		*br = '\0';
	}
	int stars = 0;
	for (char *p = buf + strlen(buf); p > buf && (p[-1] == '*' || p[-1] == ' '); p--) {
		stars += p[-1] == '*';
		p[-1] = '\0';
	}
	uint32_t id = find_type(t, buf);
	if (!id)
		return 0;
	for (int i = 0; i < stars && id; i++)
		id = find_ptr_to(t, id);
	if (array && id)
		id = add_synth(t, id, n);
	return id;
}

struct kd_error *kd_type_find(struct kd_session *s, const char *name, uint32_t *id_ret)
{
	if (!s->types)
		return kd_types_none(s);
	uint32_t id = strpbrk(name, "*[") ? kd_types_parse_c(s->types, name, 0) : find_type(s->types, name);
	if (!id)
		return kd_error_create(KD_ERR_NOTFOUND, "no type '%s' in the kernel's BTF", name);
	*id_ret = id;
	return NULL;
}

static enum kd_type_kind kind_of(int k)
{
	switch (k) {
	case BTF_KIND_INT: return KD_TYPE_INT;
	case BTF_KIND_FLOAT: return KD_TYPE_FLOAT;
	case BTF_KIND_PTR: return KD_TYPE_PTR;
	case BTF_KIND_ARRAY: return KD_TYPE_ARRAY;
	case BTF_KIND_STRUCT: return KD_TYPE_STRUCT;
	case BTF_KIND_UNION: return KD_TYPE_UNION;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return KD_TYPE_ENUM;
	case BTF_KIND_FUNC_PROTO: return KD_TYPE_FUNC;
	case BTF_KIND_TYPEDEF: return KD_TYPE_TYPEDEF;
	case BTF_KIND_CONST: return KD_TYPE_CONST;
	case BTF_KIND_VOLATILE: return KD_TYPE_VOLATILE;
	case BTF_KIND_RESTRICT: return KD_TYPE_RESTRICT;
	case BTF_KIND_FWD: return KD_TYPE_FWD;
	default: return KD_TYPE_OTHER;
	}
}

uint64_t kd_types_sizeof(const struct kd_types *t, uint32_t id)
{
	if (id >= t->nids) {
		const struct synth_array *a = synth_of(t, id);
		return a ? kd_types_sizeof(t, a->elem) * a->nelems : 0;
	}
	int64_t sz = btf__resolve_size(t->btf, id);
	return sz > 0 ? (uint64_t)sz : 0;
}

/*
 * kd_types_describe() runs for every member a walk extracts (the size and
 * signedness of its type), thousands of times for the same few types: its
 * answers are kept in a small table indexed by id (an entry is valid when
 * its id field matches; id 0 and synthetic ids are never stored), since a
 * BTF type never changes.
 */
enum { DESCRIBED = 1024 };

static void describe(const struct kd_types *t, uint32_t id, struct kd_type_info *r);

void kd_types_describe(const struct kd_types *t, uint32_t id, struct kd_type_info *r)
{
	struct kd_types *mt = (struct kd_types *)t; // the memo only
	if (!mt->described)
		mt->described = calloc(DESCRIBED, sizeof(*mt->described));
	struct kd_type_info *e = mt->described ? &mt->described[id % DESCRIBED] : NULL;
	if (id >= t->nids) // synthetic arrays come and go with the session
		e = NULL;
	if (e && id && e->id == id) {
		*r = *e;
		return;
	}
	describe(t, id, r);
	if (e && id && r->id == id)
		*e = *r;
}

static void describe(const struct kd_types *t, uint32_t id, struct kd_type_info *r)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->name = "";
	const struct synth_array *a = synth_of(t, id);
	if (a) {
		r->kind = KD_TYPE_ARRAY;
		r->target = a->elem;
		r->nelems = a->nelems;
		r->size = kd_types_sizeof(t, id);
		return;
	}
	const struct btf_type *bt = bt_of(t, id);
	if (!id || !bt) {
		r->kind = KD_TYPE_VOID;
		r->name = "void";
		return;
	}
	int k = btf_kind(bt);
	r->kind = k == BTF_KIND_TYPE_TAG ? KD_TYPE_OTHER : kind_of(k);
	r->name = tname(t, bt);
	switch (k) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(bt);
		r->is_signed = enc & BTF_INT_SIGNED;
		r->is_char = (enc & BTF_INT_CHAR) || strstr(r->name, "char") != NULL;
		r->is_bool = enc & BTF_INT_BOOL;
		break;
	}
	case BTF_KIND_ENUM:
		r->is_signed = btf_kflag(bt);
		r->nmembers = btf_vlen(bt);
		break;
	case BTF_KIND_ENUM64:
		r->is_signed = btf_kflag(bt);
		r->nmembers = btf_vlen(bt);
		break;
	case BTF_KIND_ARRAY:
		r->target = btf_array(bt)->type;
		r->nelems = btf_array(bt)->nelems;
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_FUNC_PROTO:
		r->nmembers = btf_vlen(bt);
		if (k == BTF_KIND_FUNC_PROTO)
			r->target = bt->type;
		break;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		r->target = bt->type;
		break;
	default:
		break;
	}
	if (k != BTF_KIND_FUNC_PROTO)
		r->size = kd_types_sizeof(t, id);
}

struct kd_error *kd_type_get(struct kd_session *s, uint32_t id, struct kd_type_info *ret)
{
	if (!s->types)
		return kd_types_none(s);
	if (id >= s->types->nids && !synth_of(s->types, id))
		return kd_error_create(KD_ERR_NOTFOUND, "no type id %u", id);
	kd_types_describe(s->types, id, ret);
	if (id && ret->kind == KD_TYPE_TYPEDEF) {
		// Signedness and char-ness of what the typedef names.
		struct kd_type_info base;
		kd_types_describe(s->types, kd_type_strip(s, id), &base);
		ret->is_signed = base.is_signed;
		ret->is_char = base.is_char;
		ret->is_bool = base.is_bool;
	}
	return NULL;
}

uint32_t kd_types_strip(const struct kd_types *t, uint32_t id)
{
	for (int depth = 0; depth < 64 && id && id < t->nids; depth++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		switch (btf_kind(bt)) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
			id = bt->type;
			break;
		default:
			return id;
		}
	}
	return id;
}

uint32_t kd_type_strip(struct kd_session *s, uint32_t id)
{
	return s->types ? kd_types_strip(s->types, id) : id;
}

struct kd_error *kd_type_size(struct kd_session *s, const char *type, uint64_t *size_ret)
{
	uint32_t id;
	struct kd_error *err = kd_type_find(s, type, &id);
	if (!err)
		*size_ret = kd_types_sizeof(s->types, id);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct kd_error *kd_type_complete(struct kd_session *s, const char *prefix, kd_type_name_fn *fn,
				  void *arg)
{
	struct kd_types *t = s->types;
	if (!t)
		return kd_types_none(s);
	if (!t->sorted) {
		const char **v = malloc(t->nids * sizeof(*v));
		if (!v)
			return &kd_enomem;
		size_t n = 0;
		for (uint32_t id = 1; id < t->nids; id++) {
			const struct btf_type *bt = btf__type_by_id(t->btf, id);
			int k = btf_kind(bt);
			if (bt->name_off && (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ENUM ||
					     k == BTF_KIND_ENUM64 || k == BTF_KIND_TYPEDEF))
				v[n++] = tname(t, bt);
		}
		qsort(v, n, sizeof(*v), cmp_str);
		t->sorted = v;
		t->nsorted = n;
	}
	size_t plen = strlen(prefix), lo = 0, hi = t->nsorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strncmp(t->sorted[mid], prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < t->nsorted && strncmp(t->sorted[i], prefix, plen) == 0; i++)
		if ((i == lo || strcmp(t->sorted[i], t->sorted[i - 1]) != 0) && fn(t->sorted[i], arg))
			break;
	return NULL;
}

#else /* !HAVE_LIBBPF */

struct kd_error *kd_type_find(struct kd_session *s, const char *n, uint32_t *r) { return kd_types_no_libbpf(); }
struct kd_error *kd_type_get(struct kd_session *s, uint32_t id, struct kd_type_info *r) { return kd_types_no_libbpf(); }
uint32_t kd_type_strip(struct kd_session *s, uint32_t id) { return id; }
struct kd_error *kd_type_size(struct kd_session *s, const char *t, uint64_t *r) { return kd_types_no_libbpf(); }
struct kd_error *kd_type_complete(struct kd_session *s, const char *p, kd_type_name_fn *fn, void *arg) { return kd_types_no_libbpf(); }

#endif
