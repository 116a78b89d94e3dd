// SPDX-License-Identifier: GPL-3.0-or-later
// Modules' types: each module's BTF is "split" BTF over the kernel's own
// (its type ids continue after the kernel's, and it refers to the kernel's
// types by their ids; include/uapi/linux/btf.h, kernel/bpf/btf.c
// btf_parse_module).  The modules' ids overlap one another, so each is
// merged into one split BTF over the kernel's, its own ids shifted past the
// ones already merged: the kernel's ids never change, a module's type is
// found by name after the kernel's of the same name, and the layers keep
// using one btf.  Each module's BTF is parsed (and so checked) by libbpf;
// its type records and its own strings are then appended, raw, to one
// buffer, its references to its own types and its own strings moved past
// those already merged, kind by kind; kd_types_split_done() has libbpf parse
// that buffer once, split over the kernel's BTF.  (libbpf's btf__add_type
// would copy a type at a time, but it first makes the kernel's BTF writable:
// a copy of its 4 MB and a hash of every one of its strings, 0.1 G
// instructions a run, and the kernel's type pointers change under the
// layers' feet.)
#include "config.h"

#include <byteswap.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kdive/types.h>

#include "session_priv.h"
#include "types.h"

#ifdef HAVE_LIBBPF

// A reference to one of the module's own types moves by delta; the kernel's stay.
static void fix(uint32_t *id, uint32_t base_cnt, uint32_t delta)
{
	if (*id >= base_cnt)
		*id += delta;
}

static void remap(struct btf_type *bt, uint32_t base_cnt, uint32_t delta)
{
	uint16_t n = btf_vlen(bt);
	switch (btf_kind(bt)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		fix(&bt->type, base_cnt, delta);
		break;
	case BTF_KIND_ARRAY: {
		struct btf_array *a = btf_array(bt);
		fix(&a->type, base_cnt, delta);
		fix(&a->index_type, base_cnt, delta);
		break;
	}
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
		struct btf_member *m = btf_members(bt);
		for (uint16_t i = 0; i < n; i++)
			fix(&m[i].type, base_cnt, delta);
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *p = btf_params(bt);
		fix(&bt->type, base_cnt, delta);
		for (uint16_t i = 0; i < n; i++)
			fix(&p[i].type, base_cnt, delta);
		break;
	}
	case BTF_KIND_DATASEC: {
		struct btf_var_secinfo *v = btf_var_secinfos(bt);
		for (uint16_t i = 0; i < n; i++)
			fix(&v[i].type, base_cnt, delta);
		break;
	}
	default:
		break;
	}
}

// btf__new_split() is declared by libbpf 1.1 but not exported (its symbol
// map lacks it until 1.2): parse the bytes as a raw BTF file instead, from
// an anonymous memory file.
static struct btf *parse_split(const void *data, size_t size, struct btf *base)
{
	int fd = memfd_create("kdive-btf", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct btf *b = NULL;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, (const char *)data + done, size - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done == size) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		b = btf__parse_raw_split(path, base);
	}
	int e = errno;
	close(fd);
	errno = e;
	return b;
}

// The merged modules' types, raw: type records (host byte order, ids and
// string offsets already moved) and the strings they name past the kernel's.
struct kd_split_raw {
	uint8_t *types;
	size_t types_len, types_cap;
	char *strs;
	size_t strs_len, strs_cap;
	uint32_t ntypes;
	uint32_t base_str_len; // the kernel's string section: offsets below it are the kernel's
};

void kd_types_split_free(struct kd_types *t)
{
	if (!t->split)
		return;
	free(t->split->types);
	free(t->split->strs);
	free(t->split);
	t->split = NULL;
}

static bool grow(void *pp, size_t *cap, size_t want)
{
	if (want <= *cap)
		return true;
	size_t n = *cap ? *cap : 65536;
	while (n < want)
		n *= 2;
	void *p = realloc(*(void **)pp, n);
	if (!p)
		return false;
	*(void **)pp = p;
	*cap = n;
	return true;
}

// The size of one type record (struct btf_type and what follows it by kind,
// include/uapi/linux/btf.h); 0 for a kind this build does not know.
static size_t record_size(const struct btf_type *bt)
{
	size_t n = btf_vlen(bt), base = sizeof(struct btf_type);
	switch (btf_kind(bt)) {
	case BTF_KIND_INT: return base + sizeof(uint32_t);
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return base;
	case BTF_KIND_ARRAY: return base + sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: return base + n * sizeof(struct btf_member);
	case BTF_KIND_ENUM: return base + n * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64: return base + n * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO: return base + n * sizeof(struct btf_param);
	case BTF_KIND_VAR: return base + sizeof(struct btf_var);
	case BTF_KIND_DATASEC: return base + n * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG: return base + sizeof(struct btf_decl_tag);
	default: return 0;
	}
}

// A module's own string (offset at or past the kernel's section) moves by delta.
static void fix_str(uint32_t *off, uint32_t base_len, uint32_t delta)
{
	if (*off >= base_len)
		*off += delta;
}

static void remap_strs(struct btf_type *bt, uint32_t base_len, uint32_t delta)
{
	uint16_t n = btf_vlen(bt);
	fix_str(&bt->name_off, base_len, delta);
	switch (btf_kind(bt)) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
		struct btf_member *m = btf_members(bt);
		for (uint16_t i = 0; i < n; i++)
			fix_str(&m[i].name_off, base_len, delta);
		break;
	}
	case BTF_KIND_ENUM: {
		struct btf_enum *e = btf_enum(bt);
		for (uint16_t i = 0; i < n; i++)
			fix_str(&e[i].name_off, base_len, delta);
		break;
	}
	case BTF_KIND_ENUM64: {
		struct btf_enum64 *e = btf_enum64(bt);
		for (uint16_t i = 0; i < n; i++)
			fix_str(&e[i].name_off, base_len, delta);
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *p = btf_params(bt);
		for (uint16_t i = 0; i < n; i++)
			fix_str(&p[i].name_off, base_len, delta);
		break;
	}
	default:
		break;
	}
}

// A raw BTF header's string section length, in either byte order (0: not BTF).
static uint32_t raw_str_len(const void *data, size_t size)
{
	struct btf_header h;
	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	if (h.magic == BTF_MAGIC)
		return h.str_len;
	if (h.magic == bswap_16(BTF_MAGIC))
		return bswap_32(h.str_len);
	return 0;
}

// The indexes describe the old set of ids: parse the merged types once, over
// the kernel's BTF, then rebuild the names now, the rest on use.
struct kd_error *kd_types_split_done(struct kd_session *s)
{
	struct kd_types *t = s->types;
	if (!t || !t->stale)
		return NULL;
	t->stale = false;
	struct kd_split_raw *r = t->split;
	struct btf *base = t->base ? t->base : t->btf;
	struct kd_error *err = NULL;
	if (r && r->ntypes) {
		struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
					.type_off = 0, .type_len = (uint32_t)r->types_len,
					.str_off = (uint32_t)r->types_len, .str_len = (uint32_t)r->strs_len };
		size_t size = sizeof(h) + r->types_len + r->strs_len;
		uint8_t *raw = malloc(size);
		if (!raw)
			return &kd_enomem;
		memcpy(raw, &h, sizeof(h));
		memcpy(raw + sizeof(h), r->types, r->types_len);
		memcpy(raw + sizeof(h) + r->types_len, r->strs, r->strs_len);
		struct btf *merged = parse_split(raw, size, base);
		int e = errno;
		free(raw);
		if (!merged)
			return kd_error_create(KD_ERR_CORRUPT, "the modules' merged BTF does not parse: %s", strerror(e));
		if (t->base)
			btf__free(t->btf);
		t->base = base;
		t->btf = merged;
	}
	uint32_t from = t->nids;
	t->nids = btf__type_cnt(t->btf);
	free(t->described);
	t->described = NULL;
	free(t->sorted);
	t->sorted = NULL;
	t->nsorted = 0;
	if (kd_types_index_more(t, from))
		return NULL;
	kd_index_map_free(t->names, &t->names_map);
	t->names = NULL;
	t->ncap = 0;
	kd_index_map_free(t->enumerators, &t->enum_map);
	t->enumerators = NULL;
	t->ecap = 0;
	err = kd_types_index_names(t);
	return err;
}

struct kd_error *kd_types_add_split(struct kd_session *s, const void *data, size_t size, const char *what,
				    uint32_t *added_ret)
{
	struct kd_types *t = s->types;
	if (added_ret)
		*added_ret = 0;
	if (!t)
		return kd_types_none(s);
	// The memo of kd_types_describe() holds pointers into the merged BTF,
	// which kd_types_split_done() replaces.  The index cache holds the
	// dump's own BTF's indexes only.
	free(t->described);
	t->described = NULL;
	struct kd_error *cerr = kd_types_cache_detach(t);
	if (cerr)
		return cerr;
	struct btf *base = t->base ? t->base : t->btf;
	if (size > UINT32_MAX)
		return kd_error_create(KD_ERR_CORRUPT, "%s: %zu bytes of BTF", what, size);
	if (!t->split) {
		uint32_t bsize = 0;
		const void *braw = btf__raw_data(base, &bsize);
		uint32_t blen = braw ? raw_str_len(braw, bsize) : 0;
		if (!blen)
			return kd_error_create(KD_ERR_CORRUPT, "%s: the kernel's BTF has no string section", what);
		if (!(t->split = calloc(1, sizeof(*t->split))))
			return &kd_enomem;
		t->split->base_str_len = blen;
	}
	struct kd_split_raw *r = t->split;
	struct btf *mod = parse_split(data, size, base);
	if (!mod)
		return kd_error_create(KD_ERR_CORRUPT, "%s: its BTF does not parse over the kernel's: %s", what,
				       strerror(errno));
	uint32_t base_cnt = btf__type_cnt(base), mod_cnt = btf__type_cnt(mod);
	uint32_t mod_strs = raw_str_len(data, size);
	const char *strs = mod_strs ? btf__str_by_offset(mod, r->base_str_len) : NULL;
	struct kd_error *err = NULL;
	if (mod_strs && !strs) {
		err = kd_error_create(KD_ERR_CORRUPT, "%s: its strings are not where its header says", what);
		goto out;
	}
	if ((uint64_t)base_cnt + r->ntypes + (mod_cnt - base_cnt) >= KD_TYPES_SYNTH_BASE ||
	    (uint64_t)r->base_str_len + r->strs_len + mod_strs > UINT32_MAX) {
		err = kd_error_create(KD_ERR_UNSUPPORTED, "%s: more types than BTF can number", what);
		goto out;
	}
	uint32_t delta = r->ntypes, sdelta = (uint32_t)r->strs_len;
	size_t types_len0 = r->types_len;
	for (uint32_t id = base_cnt; id < mod_cnt; id++) {
		const struct btf_type *bt = btf__type_by_id(mod, id);
		size_t rs = bt ? record_size(bt) : 0;
		if (!rs) {
			err = kd_error_create(KD_ERR_CORRUPT, "%s: type %u: a kind this build does not know", what, id);
			break;
		}
		if (!grow(&r->types, &r->types_cap, r->types_len + rs)) {
			err = &kd_enomem;
			break;
		}
		struct btf_type *copy = (struct btf_type *)(r->types + r->types_len);
		memcpy(copy, bt, rs);
		remap(copy, base_cnt, delta);
		remap_strs(copy, r->base_str_len, sdelta);
		r->types_len += rs;
	}
	if (!err && mod_strs) {
		if (grow(&r->strs, &r->strs_cap, r->strs_len + mod_strs)) {
			memcpy(r->strs + r->strs_len, strs, mod_strs);
			r->strs_len += mod_strs;
		} else {
			err = &kd_enomem;
		}
	}
	if (err) {
		r->types_len = types_len0; // this module adds nothing
		goto out;
	}
	r->ntypes += mod_cnt - base_cnt;
	t->stale = true;
	if (added_ret)
		*added_ret = mod_cnt - base_cnt;
out:
	btf__free(mod);
	return err;
}

#else /* !HAVE_LIBBPF */

void kd_types_split_free(struct kd_types *t)
{
	(void)t;
}

struct kd_error *kd_types_split_done(struct kd_session *s)
{
	(void)s;
	return NULL;
}

struct kd_error *kd_types_add_split(struct kd_session *s, const void *data, size_t size, const char *what,
				    uint32_t *added_ret)
{
	(void)s, (void)data, (void)size, (void)what;
	if (added_ret)
		*added_ret = 0;
	return kd_types_no_libbpf();
}

#endif
