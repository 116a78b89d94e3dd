// SPDX-License-Identifier: GPL-3.0-or-later
// C declarations of types: kd_type_name() writes a type's name ("struct
// list_head *", "char [16]") or a declaration of a variable of that type
// ("char comm[16]", "void (*fn)(int)"), wrapping the declarator inside out
// the way C reads it.
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/types.h>

#include "session_priv.h"
#include "types.h"

#ifdef HAVE_LIBBPF

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_insert(struct sbuf *b, size_t at, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		if (!b->p)
			p[0] = '\0';
		b->p = p;
		b->cap = cap;
	}
	memmove(b->p + at + n, b->p + at, b->len - at + 1);
	memcpy(b->p + at, s, n);
	b->len += n;
}

static void sb_prepend(struct sbuf *b, const char *s) { sb_insert(b, 0, s); }
static void sb_append(struct sbuf *b, const char *s) { sb_insert(b, b->len, s); }

/* Wrap the declarator in b around type id: b holds "name", "*name", "[16]"... */
static void declare(const struct kd_types *t, uint32_t id, struct sbuf *b, int depth)
{
	if (depth > 32 || b->oom) {
		sb_prepend(b, "? ");
		return;
	}
	struct kd_type_info in;
	kd_types_describe(t, id, &in);
	char num[32];
	switch (in.kind) {
	case KD_TYPE_PTR: {
		struct kd_type_info target;
		kd_types_describe(t, kd_types_strip(t, in.target), &target);
		sb_prepend(b, "*");
		if (target.kind == KD_TYPE_ARRAY || target.kind == KD_TYPE_FUNC) {
			sb_prepend(b, "(");
			sb_append(b, ")");
		}
		declare(t, in.target, b, depth + 1);
		return;
	}
	case KD_TYPE_ARRAY:
		if (in.nelems || id < t->nids)
			snprintf(num, sizeof(num), "[%" PRIu64 "]", in.nelems);
		else
			snprintf(num, sizeof(num), "[]");
		sb_append(b, num);
		declare(t, in.target, b, depth + 1);
		return;
	case KD_TYPE_FUNC: {
		const struct btf_type *bt = bt_of(t, id);
		const struct btf_param *p = btf_params(bt);
		sb_append(b, "(");
		for (uint32_t i = 0; i < in.nmembers; i++) {
			if (i)
				sb_append(b, ", ");
			if (!p[i].type) {
				sb_append(b, "...");
				continue;
			}
			struct sbuf pb = { 0 };
			sb_append(&pb, "");
			declare(t, p[i].type, &pb, depth + 1);
			if (pb.p)
				sb_append(b, pb.p);
			free(pb.p);
		}
		sb_append(b, in.nmembers ? ")" : "void)");
		declare(t, in.target, b, depth + 1);
		return;
	}
	case KD_TYPE_CONST: case KD_TYPE_VOLATILE: case KD_TYPE_RESTRICT: {
		const char *q = in.kind == KD_TYPE_CONST ? "const" : in.kind == KD_TYPE_VOLATILE ? "volatile" : "restrict";
		struct kd_type_info target;
		kd_types_describe(t, in.target, &target);
		if (target.kind == KD_TYPE_PTR) {
			sb_prepend(b, b->len ? " " : "");
			sb_prepend(b, q);
			declare(t, in.target, b, depth + 1);
		} else {
			declare(t, in.target, b, depth + 1);
			sb_prepend(b, " ");
			sb_prepend(b, q);
		}
		return;
	}
	case KD_TYPE_OTHER:
		declare(t, in.target, b, depth + 1);
		return;
	default:
		break;
	}
	char base[256];
	const char *tag = in.kind == KD_TYPE_STRUCT ? "struct " : in.kind == KD_TYPE_UNION ? "union "
			  : in.kind == KD_TYPE_ENUM ? "enum " : "";
	if (in.kind == KD_TYPE_FWD)
		tag = btf_kflag(bt_of(t, id)) ? "union " : "struct ";
	snprintf(base, sizeof(base), "%s%s", tag, *in.name ? in.name : "{...}");
	if (b->len)
		sb_prepend(b, " ");
	sb_prepend(b, base);
}

char *kd_type_name(struct kd_session *s, uint32_t id, const char *var)
{
	if (!s->types)
		return strdup("?");
	struct sbuf b = { 0 };
	sb_append(&b, var ? var : "");
	declare(s->types, id, &b, 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

#else /* !HAVE_LIBBPF */

char *kd_type_name(struct kd_session *s, uint32_t id, const char *var) { return strdup("?"); }

#endif
