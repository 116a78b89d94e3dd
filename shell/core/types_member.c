// SPDX-License-Identifier: GPL-3.0-or-later
// Members and values: a member by path ("se.vruntime", through anonymous
// structs and unions, "comm[3]"), the members and enumerators of a type one
// by one, enumerator values and names, and typed reads (an integer, pointer
// or bitfield out of a buffer or from kernel memory, a string member).
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/session.h>
#include <kdive/types.h>

#include "session_priv.h"
#include "types.h"

#ifdef HAVE_LIBBPF

static void member_info(const struct kd_types *t, const struct btf_type *bt, uint32_t i, uint64_t base_bits,
			struct kd_member_info *r)
{
	const struct btf_member *m = &btf_members(bt)[i];
	uint32_t bitsz = btf_member_bitfield_size(bt, i);
	uint64_t bit = base_bits + btf_member_bit_offset(bt, i);
	struct kd_type_info in;
	kd_types_describe(t, kd_types_strip(t, m->type), &in);
	*r = (struct kd_member_info){
		.name = str_at(t, m->name_off),
		.type = m->type,
		.offset = bit / 8,
		.bit_offset = bit,
		.bit_size = bitsz,
		.size = kd_types_sizeof(t, m->type),
		.nelems = in.kind == KD_TYPE_ARRAY ? in.nelems : 0,
	};
	if (!r->name)
		r->name = "";
}

/* Find a member by name in struct/union id, descending into anonymous members. */
static bool find_member(const struct kd_types *t, uint32_t id, const char *name, size_t len,
			uint64_t base_bits, struct kd_member_info *r, int depth)
{
	const struct btf_type *bt = bt_of(t, kd_types_strip(t, id));
	if (!bt || !btf_is_composite(bt) || depth > 32)
		return false;
	for (uint32_t i = 0; i < btf_vlen(bt); i++) {
		const struct btf_member *m = &btf_members(bt)[i];
		const char *mn = str_at(t, m->name_off);
		if (mn && *mn) {
			if (strncmp(mn, name, len) == 0 && mn[len] == '\0') {
				member_info(t, bt, i, base_bits, r);
				return true;
			}
		} else if (find_member(t, m->type, name, len, base_bits + btf_member_bit_offset(bt, i), r,
				       depth + 1)) {
			return true;
		}
	}
	return false;
}

static struct kd_error *member_path(struct kd_session *s, uint32_t id, const char *tname_for_msg,
				    const char *path, struct kd_member_info *ret)
{
	struct kd_types *t = s->types;
	struct kd_member_info cur = { .name = "", .type = id, .size = kd_types_sizeof(t, id) };
	const char *p = path;
	char *what = kd_type_name(s, id, NULL);
	struct kd_error *err = NULL;
	if (!*p) {
		err = kd_error_create(KD_ERR_USAGE, "empty member name for %s", what ? what : tname_for_msg);
		goto out;
	}
	while (*p) {
		size_t len = strcspn(p, ".[");
		if (len) {
			struct kd_type_info in;
			kd_types_describe(t, kd_types_strip(t, cur.type), &in);
			if (in.kind != KD_TYPE_STRUCT && in.kind != KD_TYPE_UNION) {
				if (p == path)
					err = kd_error_create(KD_ERR_USAGE, "%s is not a struct or union",
							      what ? what : tname_for_msg);
				else
					err = kd_error_create(KD_ERR_USAGE, "'%.*s' is not a struct or union",
							      (int)(p - path - 1), path);
				goto out;
			}
			struct kd_member_info m;
			if (!find_member(t, cur.type, p, len, cur.bit_offset, &m, 0)) {
				char *outer = kd_type_name(s, kd_types_strip(t, cur.type), NULL);
				if (p == path)
					err = kd_error_create(KD_ERR_NOTFOUND, "%s has no member '%.*s'",
							      outer ? outer : "?", (int)len, p);
				else
					err = kd_error_create(KD_ERR_NOTFOUND, "%s has no member '%.*s' (in %s.%.*s)",
							      outer ? outer : "?", (int)len, p, what ? what : "?",
							      (int)(p - path + len), path);
				free(outer);
				goto out;
			}
			cur = m;
			p += len;
		}
		while (*p == '[') {
			char *end;
			errno = 0;
			uint64_t idx = strtoull(p + 1, &end, 0);
			if (end == p + 1 || *end != ']' || errno) {
				err = kd_error_create(KD_ERR_USAGE, "bad index in '%s'", path);
				goto out;
			}
			struct kd_type_info in;
			kd_types_describe(t, kd_types_strip(t, cur.type), &in);
			if (in.kind != KD_TYPE_ARRAY) {
				err = kd_error_create(KD_ERR_USAGE, "'%.*s' is not an array", (int)(p - path), path);
				goto out;
			}
			uint64_t esz = kd_types_sizeof(t, in.target);
			struct kd_type_info ein;
			kd_types_describe(t, kd_types_strip(t, in.target), &ein);
			cur.bit_offset += idx * esz * 8;
			cur.offset = cur.bit_offset / 8;
			cur.type = in.target;
			cur.size = esz;
			cur.bit_size = 0;
			cur.nelems = ein.kind == KD_TYPE_ARRAY ? ein.nelems : 0;
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p) {
			err = kd_error_create(KD_ERR_USAGE, "bad member path '%s'", path);
			goto out;
		}
	}
	*ret = cur;
out:
	free(what);
	return err;
}

struct kd_error *kd_type_member_by_id(struct kd_session *s, uint32_t id, const char *path,
				      struct kd_member_info *ret)
{
	if (!s->types)
		return kd_types_none(s);
	return member_path(s, id, "type", path, ret);
}

struct kd_error *kd_type_member(struct kd_session *s, const char *type, const char *path,
				struct kd_member_info *ret)
{
	uint32_t id;
	struct kd_error *err = kd_type_find(s, type, &id);
	if (err)
		return err;
	return member_path(s, id, type, path, ret);
}

struct kd_error *kd_type_member_at(struct kd_session *s, uint32_t id, uint32_t i,
				   struct kd_member_info *ret)
{
	if (!s->types)
		return kd_types_none(s);
	const struct btf_type *bt = bt_of(s->types, kd_types_strip(s->types, id));
	if (!bt || !btf_is_composite(bt))
		return kd_error_create(KD_ERR_USAGE, "type %u is not a struct or union", id);
	if (i >= btf_vlen(bt))
		return kd_error_create(KD_ERR_NOTFOUND, "member %u out of range", i);
	member_info(s->types, bt, i, 0, ret);
	return NULL;
}

struct kd_error *kd_enum_at(struct kd_session *s, uint32_t id, uint32_t i, const char **name_ret,
			    int64_t *value_ret)
{
	if (!s->types)
		return kd_types_none(s);
	const struct btf_type *bt = bt_of(s->types, kd_types_strip(s->types, id));
	if (!bt || !btf_is_any_enum(bt))
		return kd_error_create(KD_ERR_USAGE, "type %u is not an enum", id);
	if (i >= btf_vlen(bt))
		return kd_error_create(KD_ERR_NOTFOUND, "enumerator %u out of range", i);
	kd_types_enum_entry(s->types, bt, i, name_ret, value_ret);
	return NULL;
}

const char *kd_enum_name(struct kd_session *s, uint32_t id, int64_t value)
{
	if (!s->types)
		return NULL;
	const struct btf_type *bt = bt_of(s->types, kd_types_strip(s->types, id));
	if (!bt || !btf_is_any_enum(bt))
		return NULL;
	for (uint32_t i = 0; i < btf_vlen(bt); i++) {
		const char *n;
		int64_t v;
		kd_types_enum_entry(s->types, bt, i, &n, &v);
		if (v == value || (btf_vlen(bt) && bt->size < 8 &&
				   (uint64_t)v == ((uint64_t)value & ((1ull << (bt->size * 8)) - 1))))
			return n;
	}
	return NULL;
}

struct kd_error *kd_enum_value(struct kd_session *s, const char *enum_type, const char *name,
			       int64_t *value_ret)
{
	struct kd_types *t = s->types;
	if (!t)
		return kd_types_none(s);
	if (enum_type) {
		uint32_t id;
		struct kd_error *err = kd_type_find(s, enum_type, &id);
		if (err)
			return err;
		const struct btf_type *bt = bt_of(t, kd_types_strip(t, id));
		if (!bt || !btf_is_any_enum(bt))
			return kd_error_create(KD_ERR_USAGE, "'%s' is not an enum", enum_type);
		for (uint32_t i = 0; i < btf_vlen(bt); i++) {
			const char *n;
			kd_types_enum_entry(t, bt, i, &n, value_ret);
			if (strcmp(n, name) == 0)
				return NULL;
		}
		return kd_error_create(KD_ERR_NOTFOUND, "enum %s has no value '%s'", enum_type, name);
	}
	return kd_types_enumerator(t, name, value_ret);
}

/* ---- typed reads ---------------------------------------------------------------- */

struct kd_error *kd_member_extract(struct kd_session *s, const struct kd_member_info *m,
				   const void *buf, size_t buflen, uint64_t *ret)
{
	if (!s->types)
		return kd_types_none(s);
	struct kd_type_info in;
	kd_types_describe(s->types, kd_types_strip(s->types, m->type), &in);
	bool is_signed = (in.kind == KD_TYPE_INT || in.kind == KD_TYPE_ENUM) && in.is_signed;
	if (in.kind != KD_TYPE_INT && in.kind != KD_TYPE_ENUM && in.kind != KD_TYPE_PTR)
		return kd_error_create(KD_ERR_USAGE, "member '%s' is not an integer or a pointer (%s)",
				       m->name ? m->name : "?", in.kind == KD_TYPE_STRUCT ? "a struct"
				       : in.kind == KD_TYPE_UNION ? "a union" : in.kind == KD_TYPE_ARRAY ? "an array"
				       : "not a scalar");
	uint64_t v = 0;
	if (m->bit_size) {
		uint64_t first = m->bit_offset / 8, last = (m->bit_offset + m->bit_size - 1) / 8;
		if (last >= buflen || last - first >= 8)
			return kd_error_create(KD_ERR_USAGE, "bitfield '%s' is outside the buffer", m->name);
		const unsigned char *b = (const unsigned char *)buf + first;
		unsigned nbytes = (unsigned)(last - first + 1), shift = (unsigned)(m->bit_offset % 8);
		// The bytes that hold the field as one number in the dump's order.
		// A bitfield's bit offset (BTF, from DWARF's DW_AT_data_bit_offset)
		// counts from the least significant bit of the first byte on a
		// little-endian machine and from the most significant one on a
		// big-endian machine (DWARF 5, section 5.7.6), so the field sits
		// shift bits above the bottom of that number, or below its top.
		uint64_t n = 0;
		if (kd_dump_big_endian(s)) {
			for (unsigned i = 0; i < nbytes; i++)
				n = n << 8 | b[i];
			v = n >> (nbytes * 8 - shift - m->bit_size);
		} else {
			for (unsigned i = nbytes; i-- > 0;)
				n = n << 8 | b[i];
			v = n >> shift;
		}
		if (m->bit_size < 64)
			v &= (1ull << m->bit_size) - 1;
		if (is_signed && m->bit_size < 64 && (v >> (m->bit_size - 1)) & 1)
			v |= ~0ull << m->bit_size;
		*ret = v;
		return NULL;
	}
	uint64_t size = in.size;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return kd_error_create(KD_ERR_USAGE, "member '%s' has size %" PRIu64, m->name, size);
	if (m->offset + size > buflen)
		return kd_error_create(KD_ERR_USAGE, "member '%s' is outside the buffer", m->name);
	v = kd_dump_uint(s, (const unsigned char *)buf + m->offset, (unsigned)size);
	if (is_signed && size < 8 && (v >> (size * 8 - 1)) & 1)
		v |= ~0ull << (size * 8);
	*ret = v;
	return NULL;
}

struct kd_error *kd_read_member_u64(struct kd_session *s, const char *type, const char *path,
				    uint64_t addr, uint64_t *ret)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err)
		return err;
	uint64_t first = m.bit_offset / 8;
	uint64_t len = m.bit_size ? (m.bit_offset + m.bit_size - 1) / 8 - first + 1 : m.size;
	unsigned char buf[16] = { 0 };
	if (len > 8)
		return kd_error_create(KD_ERR_USAGE, "%s.%s is %" PRIu64 " bytes, not a scalar", type, path, m.size);
	err = kd_read_kernel(s, addr + first, buf, (size_t)len);
	if (err)
		return kd_error_prefix(err, "reading %s.%s at 0x%" PRIx64, type, path, addr);
	struct kd_member_info rel = m;
	rel.offset = 0;
	rel.bit_offset = m.bit_offset - first * 8;
	return kd_member_extract(s, &rel, buf, sizeof(buf), ret);
}

#else /* !HAVE_LIBBPF */

struct kd_error *kd_type_member(struct kd_session *s, const char *t, const char *p, struct kd_member_info *r) { return kd_types_no_libbpf(); }
struct kd_error *kd_type_member_by_id(struct kd_session *s, uint32_t id, const char *p, struct kd_member_info *r) { return kd_types_no_libbpf(); }
struct kd_error *kd_type_member_at(struct kd_session *s, uint32_t id, uint32_t i, struct kd_member_info *r) { return kd_types_no_libbpf(); }
struct kd_error *kd_enum_at(struct kd_session *s, uint32_t id, uint32_t i, const char **n, int64_t *v) { return kd_types_no_libbpf(); }
struct kd_error *kd_enum_value(struct kd_session *s, const char *e, const char *n, int64_t *v) { return kd_types_no_libbpf(); }
const char *kd_enum_name(struct kd_session *s, uint32_t id, int64_t v) { return NULL; }
struct kd_error *kd_member_extract(struct kd_session *s, const struct kd_member_info *m, const void *b, size_t l, uint64_t *r) { return kd_types_no_libbpf(); }
struct kd_error *kd_read_member_u64(struct kd_session *s, const char *t, const char *p, uint64_t a, uint64_t *r) { return kd_types_no_libbpf(); }

#endif
