// SPDX-License-Identifier: GPL-3.0-or-later
// Typed values as text and JSON (include/kdive/print.h): one recursive
// printer over a buffer that holds the value, shared by struct, p, list and
// any later command with a kernel object to show.  Text follows gdb's
// layout ("name = value", braces, char arrays as strings, pointers with
// <symbol+off>, enums by name); JSON nests objects and arrays the same way.
// Also the "type.member,member" specs that struct and list -s take, and the
// reading and printing of a whole object at a kernel address.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/print.h>
#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "print_priv.h"

// Arrays show their first MAX_ARRAY_SHOWN elements; an object over MAX_READ
// bytes is refused.
enum { MAX_ARRAY_SHOWN = 200, MAX_READ = 64 << 20 };

static void print_escaped_string(struct kd_session *s, const unsigned char *p, size_t n)
{
	kd_printf(s, "\"");
	for (size_t i = 0; i < n && p[i]; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\')
			kd_printf(s, "\\%c", c);
		else if (c == '\n')
			kd_printf(s, "\\n");
		else if (c == '\t')
			kd_printf(s, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			kd_printf(s, "\\%03o", c);
		else
			kd_printf(s, "%c", c);
	}
	kd_printf(s, "\"");
}

static size_t strnlen_bytes(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i])
		i++;
	return i;
}

void kd_print_pointer(struct kd_session *s, uint64_t v)
{
	kd_printf(s, "0x%" PRIx64, v);
	struct kd_symbol sym;
	uint64_t off;
	// Only the kernel half of the address space has symbols worth a lookup.
	if (v < 0xffff800000000000ull)
		return;
	struct kd_error *err = kd_symbol_at(s, v, &sym, &off);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	if (off)
		kd_printf(s, " <%s+%" PRIu64 ">", sym.name, off);
	else
		kd_printf(s, " <%s>", sym.name);
}

/* What one printing walks over: the buffer that holds the outermost value. */
struct walk {
	struct kd_session *s;
	bool json;
	const unsigned char *buf;
	size_t len;
};

/*
 * One value of type id whose bytes are buf[bit / 8 ...] (bit_size for a
 * bitfield), as JSON (named key, NULL in arrays) or as text at the current
 * position, nested members starting lines at ind + 2.
 */
static void value(const struct walk *w, const char *key, uint32_t id, uint64_t bit, uint32_t bit_size,
		  int ind, int depth);

/* The members of a struct or union: text lines, or keys of the current JSON object. */
static void members(const struct walk *w, uint32_t id, uint64_t bit, int ind, int depth)
{
	struct kd_session *s = w->s;
	uint32_t n = print_nmembers(s, id);
	for (uint32_t i = 0; i < n; i++) {
		struct kd_member_info m;
		if (!print_member_at(s, id, i, &m))
			continue;
		if (w->json) {
			struct kd_type_info mi;
			kd_type_get(s, kd_type_strip(s, m.type), &mi);
			if (!*m.name && (mi.kind == KD_TYPE_STRUCT || mi.kind == KD_TYPE_UNION)) {
				// Anonymous members' names are the parent's in C.
				members(w, m.type, bit + m.bit_offset, ind, depth + 1);
				continue;
			}
			value(w, m.name, m.type, bit + m.bit_offset, m.bit_size, ind, depth + 1);
			continue;
		}
		print_indent(s, ind + 2);
		if (*m.name)
			kd_printf(s, "%s = ", m.name);
		value(w, NULL, m.type, bit + m.bit_offset, m.bit_size, ind + 2, depth + 1);
		kd_printf(s, "%s\n", i + 1 < n ? "," : "");
	}
}

/* An integer, enum, bool or pointer (or a bitfield of one). */
static void scalar(const struct walk *w, const char *key, uint32_t id, uint32_t sid,
		   const struct kd_type_info *in, uint64_t bit, uint32_t bit_size)
{
	struct kd_session *s = w->s;
	bool json = w->json;
	struct kd_member_info m = { .name = key ? key : "", .type = id, .offset = bit / 8,
				    .bit_offset = bit, .bit_size = bit_size, .size = in->size };
	uint64_t v;
	struct kd_error *err = kd_member_extract(s, &m, w->buf, w->len, &v);
	if (err) {
		kd_error_destroy(err);
		if (json)
			kd_json_null(s, key);
		else
			kd_printf(s, "<%" PRIu64 " bytes>", in->size);
		return;
	}
	if (in->kind == KD_TYPE_PTR) {
		if (json)
			kd_json_hex(s, key, v);
		else
			kd_print_pointer(s, v);
	} else if (in->kind == KD_TYPE_ENUM) {
		const char *n = kd_enum_name(s, sid, (int64_t)v);
		if (json && n)
			kd_json_string(s, key, n);
		else if (json)
			kd_json_i64(s, key, (int64_t)v);
		else if (n)
			kd_printf(s, "%s", n);
		else
			kd_printf(s, "%" PRId64, (int64_t)v);
	} else if (in->is_bool) {
		if (json)
			kd_json_bool(s, key, v != 0);
		else
			kd_printf(s, "%s", v ? "true" : "false");
	} else if (json) {
		if (in->is_signed)
			kd_json_i64(s, key, (int64_t)v);
		else
			kd_json_u64(s, key, v);
	} else if (in->is_char && in->size == 1 && !bit_size) {
		unsigned char c = (unsigned char)v;
		kd_printf(s, "%" PRId64 " '", in->is_signed ? (int64_t)v : (int64_t)c);
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			kd_printf(s, "%c'", c);
		else
			kd_printf(s, "\\%03o'", c);
	} else if (in->is_signed) {
		kd_printf(s, "%" PRId64, (int64_t)v);
	} else {
		kd_printf(s, "%" PRIu64, v);
	}
}

/* An array: char arrays as strings, others element by element (the first MAX_ARRAY_SHOWN). */
static void array(const struct walk *w, const char *key, const struct kd_type_info *in, uint64_t bit,
		  int ind, int depth)
{
	struct kd_session *s = w->s;
	bool json = w->json;
	uint64_t byte = bit / 8;
	struct kd_type_info el;
	kd_type_get(s, kd_type_strip(s, in->target), &el);
	uint64_t esz = el.size;
	if (el.kind == KD_TYPE_INT && el.is_char && esz == 1) {
		size_t n = strnlen_bytes(w->buf + byte, (size_t)in->nelems);
		if (json)
			kd_json_string_n(s, key, (const char *)w->buf + byte, n);
		else
			print_escaped_string(s, w->buf + byte, (size_t)in->nelems);
		return;
	}
	uint64_t shown = in->nelems < MAX_ARRAY_SHOWN ? in->nelems : MAX_ARRAY_SHOWN;
	bool nested = el.kind == KD_TYPE_STRUCT || el.kind == KD_TYPE_UNION || el.kind == KD_TYPE_ARRAY;
	if (json)
		kd_json_begin_array(s, key);
	else
		kd_printf(s, "{");
	for (uint64_t i = 0; i < shown; i++) {
		if (!json && i)
			kd_printf(s, ",");
		if (!json && nested) {
			kd_printf(s, "\n");
			print_indent(s, ind + 2);
		} else if (!json && i) {
			kd_printf(s, " ");
		}
		value(w, NULL, in->target, bit + i * esz * 8, 0, ind + 2, depth + 1);
	}
	if (json) {
		kd_json_end_array(s);
		return;
	}
	if (shown < in->nelems)
		kd_printf(s, "%s...", shown ? ", " : "");
	if (nested && shown) {
		kd_printf(s, "\n");
		print_indent(s, ind);
	}
	kd_printf(s, "}");
}

static void value(const struct walk *w, const char *key, uint32_t id, uint64_t bit, uint32_t bit_size,
		  int ind, int depth)
{
	struct kd_session *s = w->s;
	bool json = w->json;
	struct kd_type_info in;
	uint32_t sid = kd_type_strip(s, id);
	kd_type_get(s, sid, &in);
	uint64_t byte = bit / 8;
	if (depth > PRINT_MAX_DEPTH) {
		if (json)
			kd_json_null(s, key);
		else
			kd_printf(s, "{...}");
		return;
	}
	if (!bit_size && byte + in.size > w->len) {
		if (json)
			kd_json_null(s, key);
		else
			kd_printf(s, "<not read>");
		return;
	}
	switch (in.kind) {
	case KD_TYPE_INT:
	case KD_TYPE_ENUM:
	case KD_TYPE_PTR:
		scalar(w, key, id, sid, &in, bit, bit_size);
		return;
	case KD_TYPE_ARRAY:
		array(w, key, &in, bit, ind, depth);
		return;
	case KD_TYPE_STRUCT:
	case KD_TYPE_UNION:
		if (json) {
			kd_json_begin_object(s, key);
			members(w, sid, bit, ind, depth);
			kd_json_end_object(s);
			return;
		}
		kd_printf(s, "{\n");
		members(w, sid, bit, ind, depth);
		print_indent(s, ind);
		kd_printf(s, "}");
		return;
	case KD_TYPE_FLOAT: {
		// The bits in the dump's byte order, then as the host's IEEE 754 value.
		double d = 0;
		if (in.size == 8) {
			uint64_t bits = kd_dump_u64(s, w->buf + byte);
			memcpy(&d, &bits, 8);
		} else if (in.size == 4) {
			uint32_t bits = kd_dump_u32(s, w->buf + byte);
			float f;
			memcpy(&f, &bits, 4);
			d = f;
		}
		if (json)
			kd_json_string(s, key, "float");
		else
			kd_printf(s, "%g", d);
		return;
	}
	default:
		if (json)
			kd_json_null(s, key);
		else
			kd_printf(s, "<%s>", in.kind == KD_TYPE_FUNC ? "function" : in.kind == KD_TYPE_VOID ? "void"
					       : "incomplete type");
		return;
	}
}

void kd_print_value(struct kd_session *s, uint32_t type, const void *buf, size_t len,
			   const struct kd_value_opts *opts)
{
	static const struct kd_value_opts none;
	const struct kd_value_opts *o = opts ? opts : &none;
	struct walk w = { .s = s, .json = false, .buf = buf, .len = len };
	value(&w, NULL, type, o->bit_offset, o->bit_size, o->indent, 0);
}

void kd_json_value(struct kd_session *s, const char *key, uint32_t type, const void *buf,
			  size_t len, const struct kd_value_opts *opts)
{
	static const struct kd_value_opts none;
	const struct kd_value_opts *o = opts ? opts : &none;
	struct walk w = { .s = s, .json = true, .buf = buf, .len = len };
	value(&w, key, type, o->bit_offset, o->bit_size, o->indent, 0);
}

/* ---- objects at an address ------------------------------------------------------ */

static struct kd_error *read_object(struct kd_session *s, uint64_t addr, uint64_t size, unsigned char **ret)
{
	if (size > MAX_READ)
		return kd_error_create(KD_ERR_USAGE, "%" PRIu64 " bytes is too much to print", size);
	unsigned char *buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		return &kd_enomem;
	struct kd_error *err = kd_read_kernel(s, addr, buf, (size_t)size);
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	return NULL;
}

/* The chosen members of the object in obj (crash: "  pid = 0,"). */
static struct kd_error *print_selected(struct kd_session *s, uint32_t id, char *const *paths, int n,
				       const unsigned char *obj, size_t objlen)
{
	bool json = kd_json_mode(s);
	for (int i = 0; i < n; i++) {
		struct kd_member_info m;
		struct kd_error *err = kd_type_member_by_id(s, id, paths[i], &m);
		if (err)
			return err;
		struct kd_value_opts o = { .bit_offset = m.bit_offset, .bit_size = m.bit_size, .indent = 2 };
		if (json) {
			o.indent = 0;
			kd_json_value(s, paths[i], m.type, obj, objlen, &o);
			continue;
		}
		kd_printf(s, "  %s = ", paths[i]);
		kd_print_value(s, m.type, obj, objlen, &o);
		kd_printf(s, ",\n");
	}
	return NULL;
}

struct kd_error *kd_print_object(struct kd_session *s, uint32_t type, uint64_t addr,
					char *const *paths, int npaths)
{
	struct kd_type_info in;
	struct kd_error *err = kd_type_get(s, type, &in);
	if (err)
		return err;
	unsigned char *obj = NULL;
	if ((err = read_object(s, addr, in.size, &obj)))
		return err;
	bool json = kd_json_mode(s);
	char *name = kd_type_name(s, type, NULL);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "type", name);
		kd_json_hex(s, "address", addr);
		if (npaths) {
			kd_json_begin_object(s, "value");
			err = print_selected(s, type, paths, npaths, obj, (size_t)in.size);
			kd_json_end_object(s);
		} else {
			kd_json_value(s, "value", type, obj, (size_t)in.size, NULL);
		}
		kd_json_end_object(s);
	} else if (npaths) {
		err = print_selected(s, type, paths, npaths, obj, (size_t)in.size);
	} else {
		kd_printf(s, "%s ", name);
		kd_print_value(s, type, obj, (size_t)in.size, NULL);
		kd_printf(s, "\n");
	}
	free(name);
	free(obj);
	return err;
}

/* ---- "type.member,member" ------------------------------------------------------- */

static struct kd_error *spec_parse(const char *text, struct kd_member_spec *sp)
{
	sp->buf = strdup(text);
	if (!sp->buf)
		return &kd_enomem;
	char *dot = strchr(sp->buf, '.');
	if (!dot)
		return NULL;
	*dot = '\0';
	sp->members = calloc(strlen(dot + 1) + 2, sizeof(char *));
	if (!sp->members)
		return &kd_enomem;
	for (char *tok = strtok(dot + 1, ","); tok; tok = strtok(NULL, ","))
		sp->members[sp->nmembers++] = tok;
	if (!sp->nmembers)
		return kd_error_create(KD_ERR_USAGE, "no member after '.' in '%s'", text);
	return NULL;
}

/* "keyword name", or a typedef of a struct or union named name. */
static struct kd_error *find_tagged(struct kd_session *s, const char *kw, const char *name, uint32_t *id)
{
	char buf[256];
	struct kd_error *err;
	if (strncmp(name, "struct ", 7) == 0 || strncmp(name, "union ", 6) == 0)
		err = kd_type_find(s, name, id);
	else {
		snprintf(buf, sizeof(buf), "%s %s", kw, name);
		err = kd_type_find(s, buf, id);
		if (err && err->code == KD_ERR_NOTFOUND) {
			// A typedef of a struct (e.g. "pgd_t") is fine too.
			struct kd_error *e2 = kd_type_find(s, name, id);
			struct kd_type_info in;
			if (!e2)
				e2 = kd_type_get(s, kd_type_strip(s, *id), &in);
			if (!e2 && (in.kind == KD_TYPE_STRUCT || in.kind == KD_TYPE_UNION)) {
				kd_error_destroy(err);
				*id = kd_type_strip(s, *id);
				return NULL;
			}
			kd_error_destroy(e2);
		}
	}
	if (err)
		return err;
	struct kd_type_info in;
	if ((err = kd_type_get(s, *id, &in)))
		return err;
	if (in.kind == KD_TYPE_FWD)
		return kd_error_create(KD_ERR_NOTFOUND, "%s %s is only declared in the kernel's BTF", kw, name);
	return NULL;
}

struct kd_error *kd_member_spec_init(struct kd_session *s, struct kd_member_spec *sp,
					    const char *keyword, const char *text)
{
	memset(sp, 0, sizeof(*sp));
	struct kd_error *err;
	if ((err = spec_parse(text, sp)) || (err = find_tagged(s, keyword, sp->buf, &sp->type)))
		return err;
	for (int i = 0; i < sp->nmembers; i++) {
		struct kd_member_info m;
		if ((err = kd_type_member_by_id(s, sp->type, sp->members[i], &m)))
			return err;
	}
	return NULL;
}

void kd_member_spec_deinit(struct kd_member_spec *sp)
{
	free(sp->buf);
	free(sp->members);
	memset(sp, 0, sizeof(*sp));
}
