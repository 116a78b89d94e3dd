// SPDX-License-Identifier: GPL-3.0-or-later
// Modules' types: each module's BTF is "split" BTF over the kernel's own
// (its type ids continue after the kernel's, and it refers to the kernel's
// types by their ids; include/uapi/linux/btf.h, kernel/bpf/btf.c
// btf_parse_module).  The modules' ids overlap one another, so each is
// merged into one split BTF over the kernel's, its own ids shifted past the
// ones already merged: the kernel's ids never change, a module's type is
// found by name after the kernel's of the same name, and the layers keep
// using one btf.  libbpf appends the types and their strings
// (btf__add_type); the references between a module's own types are moved
// here, kind by kind.
#include "config.h"

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

// The indexes describe the old set of ids: rebuild the names now, the rest on use.
struct kd_error *kd_types_split_done(struct kd_session *s)
{
	struct kd_types *t = s->types;
	if (!t || !t->stale)
		return NULL;
	t->stale = false;
	t->nids = btf__type_cnt(t->btf);
	free(t->described);
	t->described = NULL;
	free(t->names);
	t->names = NULL;
	t->ncap = 0;
	free(t->enumerators);
	t->enumerators = NULL;
	t->ecap = 0;
	free(t->sorted);
	t->sorted = NULL;
	t->nsorted = 0;
	return kd_types_index_names(t);
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

struct kd_error *kd_types_add_split(struct kd_session *s, const void *data, size_t size, const char *what,
				    uint32_t *added_ret)
{
	struct kd_types *t = s->types;
	if (added_ret)
		*added_ret = 0;
	if (!t)
		return kd_types_none(s);
	// Adding types may move libbpf's type and string storage: the memo of
	// kd_types_describe() holds pointers into it.  The index cache holds the
	// dump's own BTF's indexes only.
	free(t->described);
	t->described = NULL;
	struct kd_error *cerr = kd_types_cache_detach(t);
	if (cerr)
		return cerr;
	struct btf *base = t->base ? t->base : t->btf;
	if (size > UINT32_MAX)
		return kd_error_create(KD_ERR_CORRUPT, "%s: %zu bytes of BTF", what, size);
	struct btf *mod = parse_split(data, size, base);
	if (!mod)
		return kd_error_create(KD_ERR_CORRUPT, "%s: its BTF does not parse over the kernel's: %s", what,
				       strerror(errno));
	uint32_t base_cnt = btf__type_cnt(base), mod_cnt = btf__type_cnt(mod);
	struct kd_error *err = NULL;
	if (!t->base) {
		struct btf *merged = btf__new_empty_split(base);
		if (!merged) {
			btf__free(mod);
			return &kd_enomem;
		}
		t->base = base;
		t->btf = merged;
	}
	uint32_t first = btf__type_cnt(t->btf);
	if ((uint64_t)first + (mod_cnt - base_cnt) >= KD_TYPES_SYNTH_BASE) {
		btf__free(mod);
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: more types than BTF can number", what);
	}
	uint32_t delta = first - base_cnt;
	for (uint32_t id = base_cnt; id < mod_cnt; id++) {
		int nid = btf__add_type(t->btf, mod, btf__type_by_id(mod, id));
		if (nid < 0) {
			err = nid == -ENOMEM ? &kd_enomem
					     : kd_error_create(KD_ERR_CORRUPT, "%s: type %u: %s", what, id, strerror(-nid));
			break;
		}
		// The merged BTF is libbpf's own writable copy.
		remap((struct btf_type *)btf__type_by_id(t->btf, (uint32_t)nid), base_cnt, delta);
	}
	btf__free(mod);
	t->stale = true;
	if (!err && added_ret)
		*added_ret = mod_cnt - base_cnt;
	return err;
}

#else /* !HAVE_LIBBPF */

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
