// SPDX-License-Identifier: GPL-3.0-or-later
// Type definitions as crash's struct and whatis show them
// (include/kdive/print.h): a struct or union's members with their
// declarations (gdb ptype), anonymous members expanded, with -o each
// member's offset in crash's right-aligned "[offset]" column, then SIZE; an
// enum's values; a typedef's line; a base type's name.  --json gives the
// same as one object per type, with bit offsets and sizes of every member.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/print.h>
#include <kdive/session.h>
#include <kdive/types.h>

#include "print_priv.h"

/* "char comm[16];" or "unsigned int flags : 3;" */
static void print_decl(struct kd_session *s, const struct kd_member_info *m, const char *name)
{
	char *decl = kd_type_name(s, m->type, name);
	kd_printf(s, "%s", decl ? decl : "?");
	free(decl);
	if (m->bit_size)
		kd_printf(s, " : %u", m->bit_size);
	kd_printf(s, ";\n");
}

/* "[offset]" right-aligned in ind columns, then a space (crash's -o). */
static void print_offset(struct kd_session *s, const struct kd_member_info *m, uint64_t base_bits,
			 int ind)
{
	// Bitfields show the byte that holds their first bit (--json has bits).
	uint64_t bits = base_bits + m->bit_offset;
	char b[48];
	snprintf(b, sizeof(b), "[%" PRIu64 "]", bits / 8);
	kd_printf(s, "%*s ", ind, b);
}

/* Columns for "[offset]" in a type of this size, as crash lays them out. */
static int offset_width(uint64_t size)
{
	int digits = snprintf(NULL, 0, "%" PRIu64, size);
	return digits + 4 > 6 ? digits + 4 : 6;
}

/* The body of a struct/union definition: members, anonymous ones expanded. */
static void print_body(struct kd_session *s, uint32_t id, bool offsets, uint64_t base_bits, int ind,
		       int depth)
{
	uint32_t n = print_nmembers(s, id);
	for (uint32_t i = 0; i < n; i++) {
		struct kd_member_info m;
		if (!print_member_at(s, id, i, &m))
			continue;
		struct kd_type_info mi;
		kd_type_get(s, kd_type_strip(s, m.type), &mi);
		if (offsets)
			print_offset(s, &m, base_bits, ind);
		else
			print_indent(s, ind);
		if (!*m.name && (mi.kind == KD_TYPE_STRUCT || mi.kind == KD_TYPE_UNION) && !*mi.name &&
		    depth < PRINT_MAX_DEPTH) {
			kd_printf(s, "%s {\n", mi.kind == KD_TYPE_STRUCT ? "struct" : "union");
			print_body(s, m.type, offsets, base_bits + m.bit_offset, ind + 4, depth + 1);
			print_indent(s, ind + (offsets ? 1 : 0));
			kd_printf(s, "};\n");
			continue;
		}
		print_decl(s, &m, m.name);
	}
}

/* One member's JSON fields: type, offset, bit_offset, bit_size if a bitfield, size. */
static void json_member_fields(struct kd_session *s, const struct kd_member_info *m, uint64_t bits)
{
	char *tn = kd_type_name(s, m->type, NULL);
	kd_json_string(s, "type", tn);
	free(tn);
	kd_json_u64(s, "offset", bits / 8);
	kd_json_u64(s, "bit_offset", bits);
	if (m->bit_size)
		kd_json_u64(s, "bit_size", m->bit_size);
	kd_json_u64(s, "size", m->size);
}

static void json_members(struct kd_session *s, uint32_t id, uint64_t base_bits, int depth)
{
	uint32_t n = print_nmembers(s, id);
	kd_json_begin_array(s, "members");
	for (uint32_t i = 0; i < n; i++) {
		struct kd_member_info m;
		if (!print_member_at(s, id, i, &m))
			continue;
		uint64_t bits = base_bits + m.bit_offset;
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "name", m.name);
		json_member_fields(s, &m, bits);
		if (m.nelems)
			kd_json_u64(s, "nelems", m.nelems);
		struct kd_type_info mi;
		kd_type_get(s, kd_type_strip(s, m.type), &mi);
		if (!*m.name && (mi.kind == KD_TYPE_STRUCT || mi.kind == KD_TYPE_UNION) && depth < PRINT_MAX_DEPTH)
			json_members(s, m.type, bits, depth + 1);
		kd_json_end_object(s);
	}
	kd_json_end_array(s);
}

/* Only the chosen member paths: their declarations (with offsets if asked). */
static struct kd_error *print_selected(struct kd_session *s, uint32_t id, const struct kd_def_opts *o)
{
	struct kd_member_info *ms = calloc((size_t)o->nmembers, sizeof(*ms));
	if (!ms)
		return &kd_enomem;
	for (int i = 0; i < o->nmembers; i++) {
		struct kd_error *err = kd_type_member_by_id(s, id, o->members[i], &ms[i]);
		if (err) {
			free(ms);
			return err;
		}
	}
	bool json = kd_json_mode(s);
	char *name = kd_type_name(s, id, NULL);
	struct kd_type_info in;
	kd_type_get(s, id, &in);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "name", name);
		kd_json_begin_array(s, "members");
	} else {
		kd_printf(s, "%s {\n", name);
	}
	for (int i = 0; i < o->nmembers; i++) {
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "name", o->members[i]);
			json_member_fields(s, &ms[i], ms[i].bit_offset);
			kd_json_end_object(s);
			continue;
		}
		if (o->offsets)
			print_offset(s, &ms[i], 0, offset_width(in.size));
		else
			print_indent(s, 4);
		print_decl(s, &ms[i], o->members[i]);
	}
	if (json) {
		kd_json_end_array(s);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "}\n");
	}
	free(name);
	free(ms);
	return NULL;
}

static void print_enum(struct kd_session *s, uint32_t id, const struct kd_type_info *in, const char *name)
{
	bool json = kd_json_mode(s);
	if (json) {
		kd_json_string(s, "kind", "enum");
		kd_json_begin_array(s, "values");
	} else {
		kd_printf(s, "%s {\n", name);
	}
	for (uint32_t i = 0; i < in->nmembers; i++) {
		const char *en;
		int64_t ev;
		struct kd_error *err = kd_enum_at(s, id, i, &en, &ev);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "name", en);
			kd_json_i64(s, "value", ev);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "    %s = %" PRId64 "%s\n", en, ev, i + 1 < in->nmembers ? "," : "");
		}
	}
	if (json)
		kd_json_end_array(s);
	else
		kd_printf(s, "};\nSIZE: %" PRIu64 "\n", in->size);
}

struct kd_error *kd_print_type_definition(struct kd_session *s, uint32_t id,
						 const struct kd_def_opts *opts)
{
	static const struct kd_def_opts none;
	const struct kd_def_opts *o = opts ? opts : &none;
	if (o->nmembers > 0)
		return print_selected(s, id, o);
	struct kd_type_info in;
	struct kd_error *err = kd_type_get(s, id, &in);
	if (err)
		return err;
	bool json = kd_json_mode(s);
	char *name = kd_type_name(s, id, NULL);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "name", name);
		kd_json_u64(s, "size", in.size);
	}
	if (in.kind == KD_TYPE_STRUCT || in.kind == KD_TYPE_UNION) {
		if (json) {
			kd_json_string(s, "kind", in.kind == KD_TYPE_STRUCT ? "struct" : "union");
			json_members(s, id, 0, 0);
		} else {
			kd_printf(s, "%s {\n", name);
			print_body(s, id, o->offsets, 0, o->offsets ? offset_width(in.size) : 4, 0);
			kd_printf(s, "}\nSIZE: %" PRIu64 "\n", in.size);
		}
	} else if (in.kind == KD_TYPE_ENUM) {
		print_enum(s, id, &in, name);
	} else if (in.kind == KD_TYPE_TYPEDEF) {
		char *decl = kd_type_name(s, in.target, in.name);
		if (json) {
			kd_json_string(s, "kind", "typedef");
			kd_json_string(s, "declaration", decl);
		} else {
			kd_printf(s, "typedef %s;\nSIZE: %" PRIu64 "\n", decl ? decl : "?", in.size);
		}
		free(decl);
	} else {
		if (json)
			kd_json_string(s, "kind", "base");
		else
			kd_printf(s, "%s\nSIZE: %" PRIu64 "\n", name, in.size);
	}
	if (json)
		kd_json_end_object(s);
	free(name);
	return NULL;
}
