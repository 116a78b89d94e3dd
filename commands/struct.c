// SPDX-License-Identifier: GPL-3.0-or-later
// Types and typed values, from the kernel's BTF: struct, union, whatis, p
// and list.  Definitions print in crash's layout (gdb ptype, with -o
// offsets); values print as gdb does (members "name = value", pointers in
// hex with <symbol+off> when they point into the kernel or a module, char
// arrays as strings, enums by name).  --json gives the same as nested JSON.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

enum { MAX_ARRAY_SHOWN = 200, MAX_DEPTH = 24, MAX_READ = 64 << 20, LIST_MAX = 1000000 };


/* ---- helpers ------------------------------------------------------------------- */

static struct kd_error *need_types(struct kd_session *s)
{
	if (kd_types_available(s))
		return NULL;
	return kd_error_create(KD_ERR_UNSUPPORTED,
			       "no types: the dump's BTF was not found (use --btf FILE or --vmlinux FILE)");
}

static void indent(struct kd_session *s, int n)
{
	kd_printf(s, "%*s", n, "");
}

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

/* " <sym+off>" for a pointer into the kernel image or a module. */
static void print_pointer(struct kd_session *s, uint64_t v)
{
	kd_printf(s, "0x%" PRIx64, v);
	struct kd_symbol sym;
	uint64_t off;
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

/*
 * One value of type id whose bytes are buf[bit / 8 ...] (bit_size for a
 * bitfield).  key names it in JSON (NULL in arrays).  Text goes at the
 * current position; nested members start lines at ind + 2.
 */
static void print_value(struct kd_session *s, const char *key, uint32_t id, const unsigned char *buf,
			size_t len, uint64_t bit, uint32_t bit_size, int ind, int depth);

static void print_members(struct kd_session *s, uint32_t id, const unsigned char *buf, size_t len,
			  uint64_t bit, int ind, int depth)
{
	struct kd_type_info in;
	kd_type_get(s, kd_type_strip(s, id), &in);
	bool json = kd_json_mode(s);
	for (uint32_t i = 0; i < in.nmembers; i++) {
		struct kd_member_info m;
		struct kd_error *err = kd_type_member_at(s, id, i, &m);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		if (json) {
			struct kd_type_info mi;
			kd_type_get(s, kd_type_strip(s, m.type), &mi);
			if (!*m.name && (mi.kind == KD_TYPE_STRUCT || mi.kind == KD_TYPE_UNION)) {
				// Anonymous members' names are the parent's in C.
				print_members(s, m.type, buf, len, bit + m.bit_offset, ind, depth + 1);
				continue;
			}
			print_value(s, m.name, m.type, buf, len, bit + m.bit_offset, m.bit_size, ind, depth + 1);
			continue;
		}
		indent(s, ind + 2);
		if (*m.name)
			kd_printf(s, "%s = ", m.name);
		print_value(s, NULL, m.type, buf, len, bit + m.bit_offset, m.bit_size, ind + 2, depth + 1);
		kd_printf(s, "%s\n", i + 1 < in.nmembers ? "," : "");
	}
}

static void print_value(struct kd_session *s, const char *key, uint32_t id, const unsigned char *buf,
			size_t len, uint64_t bit, uint32_t bit_size, int ind, int depth)
{
	bool json = kd_json_mode(s);
	struct kd_type_info in;
	uint32_t sid = kd_type_strip(s, id);
	kd_type_get(s, sid, &in);
	uint64_t byte = bit / 8;
	if (depth > MAX_DEPTH) {
		if (json)
			kd_json_null(s, key);
		else
			kd_printf(s, "{...}");
		return;
	}
	if (!bit_size && byte + in.size > len) {
		if (json)
			kd_json_null(s, key);
		else
			kd_printf(s, "<not read>");
		return;
	}
	switch (in.kind) {
	case KD_TYPE_INT:
	case KD_TYPE_ENUM:
	case KD_TYPE_PTR: {
		struct kd_member_info m = { .name = key ? key : "", .type = id, .offset = byte,
					    .bit_offset = bit, .bit_size = bit_size, .size = in.size };
		uint64_t v;
		struct kd_error *err = kd_member_extract(s, &m, buf, len, &v);
		if (err) {
			kd_error_destroy(err);
			if (json)
				kd_json_null(s, key);
			else
				kd_printf(s, "<%" PRIu64 " bytes>", in.size);
			return;
		}
		if (in.kind == KD_TYPE_PTR) {
			if (json)
				kd_json_hex(s, key, v);
			else
				print_pointer(s, v);
		} else if (in.kind == KD_TYPE_ENUM) {
			const char *n = kd_enum_name(s, sid, (int64_t)v);
			if (json && n)
				kd_json_string(s, key, n);
			else if (json)
				kd_json_i64(s, key, (int64_t)v);
			else if (n)
				kd_printf(s, "%s", n);
			else
				kd_printf(s, "%" PRId64, (int64_t)v);
		} else if (in.is_bool) {
			if (json)
				kd_json_bool(s, key, v != 0);
			else
				kd_printf(s, "%s", v ? "true" : "false");
		} else if (json) {
			if (in.is_signed)
				kd_json_i64(s, key, (int64_t)v);
			else
				kd_json_u64(s, key, v);
		} else if (in.is_char && in.size == 1 && !bit_size) {
			unsigned char c = (unsigned char)v;
			kd_printf(s, "%" PRId64 " '", in.is_signed ? (int64_t)v : (int64_t)c);
			if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
				kd_printf(s, "%c'", c);
			else
				kd_printf(s, "\\%03o'", c);
		} else if (in.is_signed) {
			kd_printf(s, "%" PRId64, (int64_t)v);
		} else {
			kd_printf(s, "%" PRIu64, v);
		}
		return;
	}
	case KD_TYPE_ARRAY: {
		struct kd_type_info el;
		kd_type_get(s, kd_type_strip(s, in.target), &el);
		uint64_t esz = el.size;
		if (el.kind == KD_TYPE_INT && el.is_char && esz == 1) {
			size_t n = strnlen_bytes(buf + byte, (size_t)in.nelems);
			if (json)
				kd_json_string_n(s, key, (const char *)buf + byte, n);
			else
				print_escaped_string(s, buf + byte, (size_t)in.nelems);
			return;
		}
		uint64_t shown = in.nelems < MAX_ARRAY_SHOWN ? in.nelems : MAX_ARRAY_SHOWN;
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
				indent(s, ind + 2);
			} else if (!json && i) {
				kd_printf(s, " ");
			}
			print_value(s, NULL, in.target, buf, len, bit + i * esz * 8, 0, ind + 2, depth + 1);
		}
		if (json) {
			kd_json_end_array(s);
			return;
		}
		if (shown < in.nelems)
			kd_printf(s, "%s...", shown ? ", " : "");
		if (nested && shown) {
			kd_printf(s, "\n");
			indent(s, ind);
		}
		kd_printf(s, "}");
		return;
	}
	case KD_TYPE_STRUCT:
	case KD_TYPE_UNION:
		if (json) {
			kd_json_begin_object(s, key);
			print_members(s, sid, buf, len, bit, ind, depth);
			kd_json_end_object(s);
			return;
		}
		kd_printf(s, "{\n");
		print_members(s, sid, buf, len, bit, ind, depth);
		indent(s, ind);
		kd_printf(s, "}");
		return;
	case KD_TYPE_FLOAT: {
		double d = 0;
		if (in.size == 8) {
			memcpy(&d, buf + byte, 8);
		} else if (in.size == 4) {
			float f;
			memcpy(&f, buf + byte, 4);
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

/* ---- definitions ---------------------------------------------------------------- */

struct def_opts {
	bool offsets;  // -o
};

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
static void print_body(struct kd_session *s, uint32_t id, const struct def_opts *o, uint64_t base_bits,
		       int ind, int depth)
{
	struct kd_type_info in;
	kd_type_get(s, kd_type_strip(s, id), &in);
	for (uint32_t i = 0; i < in.nmembers; i++) {
		struct kd_member_info m;
		struct kd_error *err = kd_type_member_at(s, id, i, &m);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		struct kd_type_info mi;
		kd_type_get(s, kd_type_strip(s, m.type), &mi);
		if (o->offsets)
			print_offset(s, &m, base_bits, ind);
		else
			indent(s, ind);
		if (!*m.name && (mi.kind == KD_TYPE_STRUCT || mi.kind == KD_TYPE_UNION) && !*mi.name &&
		    depth < MAX_DEPTH) {
			kd_printf(s, "%s {\n", mi.kind == KD_TYPE_STRUCT ? "struct" : "union");
			print_body(s, m.type, o, base_bits + m.bit_offset, ind + 4, depth + 1);
			indent(s, ind + (o->offsets ? 1 : 0));
			kd_printf(s, "};\n");
			continue;
		}
		print_decl(s, &m, m.name);
	}
}

static void json_members(struct kd_session *s, uint32_t id, uint64_t base_bits, int depth)
{
	struct kd_type_info in;
	kd_type_get(s, kd_type_strip(s, id), &in);
	kd_json_begin_array(s, "members");
	for (uint32_t i = 0; i < in.nmembers; i++) {
		struct kd_member_info m;
		struct kd_error *err = kd_type_member_at(s, id, i, &m);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		uint64_t bits = base_bits + m.bit_offset;
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "name", m.name);
		char *tn = kd_type_name(s, m.type, NULL);
		kd_json_string(s, "type", tn);
		free(tn);
		kd_json_u64(s, "offset", bits / 8);
		kd_json_u64(s, "bit_offset", bits);
		if (m.bit_size)
			kd_json_u64(s, "bit_size", m.bit_size);
		kd_json_u64(s, "size", m.size);
		if (m.nelems)
			kd_json_u64(s, "nelems", m.nelems);
		struct kd_type_info mi;
		kd_type_get(s, kd_type_strip(s, m.type), &mi);
		if (!*m.name && (mi.kind == KD_TYPE_STRUCT || mi.kind == KD_TYPE_UNION) && depth < MAX_DEPTH)
			json_members(s, m.type, bits, depth + 1);
		kd_json_end_object(s);
	}
	kd_json_end_array(s);
}

/* A whole type's definition: struct/union body, enum values, typedef line. */
static void print_definition(struct kd_session *s, uint32_t id, const struct def_opts *o)
{
	struct kd_type_info in;
	kd_type_get(s, id, &in);
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
			print_body(s, id, o, 0, o->offsets ? offset_width(in.size) : 4, 0);
			kd_printf(s, "}\nSIZE: %" PRIu64 "\n", in.size);
		}
	} else if (in.kind == KD_TYPE_ENUM) {
		if (json) {
			kd_json_string(s, "kind", "enum");
			kd_json_begin_array(s, "values");
		} else {
			kd_printf(s, "%s {\n", name);
		}
		for (uint32_t i = 0; i < in.nmembers; i++) {
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
				kd_printf(s, "    %s = %" PRId64 "%s\n", en, ev, i + 1 < in.nmembers ? "," : "");
			}
		}
		if (json)
			kd_json_end_array(s);
		else
			kd_printf(s, "};\nSIZE: %" PRIu64 "\n", in.size);
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
}

/* ---- struct / union ---------------------------------------------------------------- */

enum { SO_O, SO_JSON, SO_NOPT };
static const struct kd_option struct_opts[] = {
	[SO_O] = { "o", KD_ARG_NONE, NULL, "show member offsets" },
	[SO_JSON] = KD_OPTION_JSON,
	[SO_NOPT] = { NULL },
};

// whatis and p: --json only.
static const struct kd_option json_opts[] = {
	KD_OPTION_JSON,
	{ NULL },
};

/* "task_struct.pid,comm" -> type "task_struct", members "pid", "comm". */
struct spec {
	char *type;
	char **members;
	int nmembers;
	char *buf;
};

static void spec_free(struct spec *sp)
{
	free(sp->buf);
	free(sp->members);
}

static struct kd_error *spec_parse(const char *text, struct spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->buf = strdup(text);
	if (!sp->buf)
		return &kd_enomem;
	sp->type = sp->buf;
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

/* Print the selected members of the object at addr (crash: "  pid = 0,"). */
static struct kd_error *print_selected(struct kd_session *s, uint32_t id, const struct spec *sp,
				       const unsigned char *obj, size_t objlen)
{
	bool json = kd_json_mode(s);
	for (int i = 0; i < sp->nmembers; i++) {
		struct kd_member_info m;
		struct kd_error *err = kd_type_member_by_id(s, id, sp->members[i], &m);
		if (err)
			return err;
		if (json) {
			print_value(s, sp->members[i], m.type, obj, objlen, m.bit_offset, m.bit_size, 0, 0);
			continue;
		}
		kd_printf(s, "  %s = ", sp->members[i]);
		print_value(s, NULL, m.type, obj, objlen, m.bit_offset, m.bit_size, 2, 0);
		kd_printf(s, ",\n");
	}
	return NULL;
}

static struct kd_error *print_object(struct kd_session *s, uint32_t id, const struct spec *sp, uint64_t addr)
{
	struct kd_type_info in;
	struct kd_error *err = kd_type_get(s, id, &in);
	if (err)
		return err;
	unsigned char *obj;
	if ((err = read_object(s, addr, in.size, &obj)))
		return err;
	bool json = kd_json_mode(s);
	char *name = kd_type_name(s, id, NULL);
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "type", name);
		kd_json_hex(s, "address", addr);
		kd_json_begin_object(s, "value");
		if (sp->nmembers)
			err = print_selected(s, id, sp, obj, (size_t)in.size);
		else
			print_members(s, id, obj, (size_t)in.size, 0, 0, 0);
		kd_json_end_object(s);
		kd_json_end_object(s);
	} else if (sp->nmembers) {
		err = print_selected(s, id, sp, obj, (size_t)in.size);
	} else {
		kd_printf(s, "%s ", name);
		print_value(s, NULL, id, obj, (size_t)in.size, 0, 0, 0, 0);
		kd_printf(s, "\n");
	}
	free(name);
	free(obj);
	return err;
}

static struct kd_error *struct_common(struct kd_session *s, const char *kw, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs < 1 || nargs > 3)
		return kd_error_create(KD_ERR_USAGE, "expected a type, an optional address and count");
	if ((err = need_types(s)))
		return err;
	struct spec sp;
	uint32_t id;
	if ((err = spec_parse(argv[1], &sp)) || (err = find_tagged(s, kw, sp.type, &id)))
		goto out;
	for (int i = 0; i < sp.nmembers; i++) {
		struct kd_member_info m;
		if ((err = kd_type_member_by_id(s, id, sp.members[i], &m)))
			goto out;
	}
	bool json = kd_json_mode(s);
	if (nargs == 1) {
		struct def_opts o = { .offsets = v[SO_O].count > 0 };
		if (!sp.nmembers) {
			print_definition(s, id, &o);
			goto out;
		}
		// Selected members: their declarations (with offsets if -o).
		char *name = kd_type_name(s, id, NULL);
		struct kd_type_info in0;
		kd_type_get(s, id, &in0);
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "name", name);
			kd_json_begin_array(s, "members");
		} else {
			kd_printf(s, "%s {\n", name);
		}
		for (int i = 0; i < sp.nmembers; i++) {
			struct kd_member_info m;
			kd_type_member_by_id(s, id, sp.members[i], &m);
			if (json) {
				kd_json_begin_object(s, NULL);
				kd_json_string(s, "name", sp.members[i]);
				char *tn = kd_type_name(s, m.type, NULL);
				kd_json_string(s, "type", tn);
				free(tn);
				kd_json_u64(s, "offset", m.offset);
				kd_json_u64(s, "bit_offset", m.bit_offset);
				if (m.bit_size)
					kd_json_u64(s, "bit_size", m.bit_size);
				kd_json_u64(s, "size", m.size);
				kd_json_end_object(s);
				continue;
			}
			if (o.offsets)
				print_offset(s, &m, 0, offset_width(in0.size));
			else
				indent(s, 4);
			print_decl(s, &m, sp.members[i]);
		}
		if (json) {
			kd_json_end_array(s);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "}\n");
		}
		free(name);
		goto out;
	}
	uint64_t addr, count = 1;
	if ((err = kd_parse_address(s, argv[2], &addr)))
		goto out;
	if (nargs == 3) {
		if ((err = kd_parse_u64(argv[3], false, &count)))
			goto out;
		if (!count || count > 100000) {
			err = kd_error_create(KD_ERR_USAGE, "count must be 1 to 100000");
			goto out;
		}
	}
	struct kd_type_info in;
	kd_type_get(s, id, &in);
	if (json && count > 1)
		kd_json_begin_array(s, NULL);
	for (uint64_t i = 0; i < count && !err; i++) {
		uint64_t a = addr + i * in.size;
		if (!json && count > 1 && sp.nmembers)
			kd_printf(s, "%016" PRIx64 "\n", a);
		err = print_object(s, id, &sp, a);
		if (!err)
			err = kd_check_interrupt(s);
	}
	if (json && count > 1)
		kd_json_end_array(s);
out:
	spec_free(&sp);
	return err;
}

static struct kd_error *struct_run(struct kd_session *s, const struct kd_args *args)
{
	return struct_common(s, "struct", args);
}

static struct kd_error *union_run(struct kd_session *s, const struct kd_args *args)
{
	return struct_common(s, "union", args);
}

/* ---- whatis ------------------------------------------------------------------------ */

static struct kd_error *whatis_run(struct kd_session *s, const struct kd_args *args)
{
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs != 1)
		return kd_error_create(KD_ERR_USAGE, "expected a type or a symbol");
	if ((err = need_types(s)))
		return err;
	const char *name = argv[1];
	uint32_t id;
	struct def_opts o = { 0 };
	// A variable or function first (as crash does), then a type.
	bool inferred = false;
	struct kd_symbol sym;
	err = kd_symbol_find(s, name, &sym);
	if (!err) {
		err = kd_symbol_type(s, name, &id, &inferred);
		if (!err) {
			char *decl = kd_type_name(s, id, name);
			if (kd_json_mode(s)) {
				kd_json_begin_object(s, NULL);
				kd_json_string(s, "symbol", name);
				kd_json_string(s, "declaration", decl);
				kd_json_bool(s, "type_inferred", inferred);
				kd_json_end_object(s);
			} else {
				kd_printf(s, "%s;\n", decl ? decl : "?");
			}
			free(decl);
			if (inferred)
				kd_warn(s, "whatis: the type of %s is inferred (BTF has no type for it)", name);
			return NULL;
		}
		kd_error_destroy(err);
	} else {
		kd_error_destroy(err);
	}
	err = kd_type_find(s, name, &id);
	if (err) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOTFOUND, "'%s' is neither a type in the kernel's BTF nor a symbol "
					"with a known type", name);
	}
	print_definition(s, id, &o);
	return NULL;
}

/* ---- p --------------------------------------------------------------------------------- */

static struct kd_error *p_run(struct kd_session *s, const struct kd_args *args)
{
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs != 1)
		return kd_error_create(KD_ERR_USAGE, "expected SYMBOL[.member][:cpu]");
	if ((err = need_types(s)))
		return err;
	char *expr = strdup(argv[1]);
	if (!expr)
		return &kd_enomem;
	char *colon = strchr(expr, ':');
	long cpu = -1;
	if (colon) {
		*colon = '\0';
		char *end;
		cpu = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || *end || cpu < 0) {
			err = kd_error_create(KD_ERR_USAGE, "bad cpu '%s'", colon + 1);
			free(expr);
			return err;
		}
	}
	size_t nlen = strcspn(expr, ".[");
	char *path = expr[nlen] ? expr + nlen + (expr[nlen] == '.') : NULL;
	char *member_path = path ? strdup(path) : NULL;
	expr[nlen] = '\0';
	const char *symname = expr;
	uint64_t addr;
	uint32_t id;
	bool inferred = false, json = kd_json_mode(s);
	unsigned char *obj = NULL;
	char *tn = NULL;
	if ((err = kd_symbol_address(s, symname, &addr)) || (err = kd_symbol_type(s, symname, &id, &inferred)))
		goto out;
	bool percpu = kd_symbol_is_percpu(s, symname);
	if (percpu && cpu < 0) {
		// crash's layout for a per-cpu variable without a cpu.
		tn = kd_type_name(s, id, symname);
		unsigned n = kd_dump_nr_cpus(s);
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "symbol", symname);
			kd_json_string(s, "declaration", tn);
			kd_json_begin_array(s, "percpu_addresses");
		} else {
			kd_printf(s, "PER-CPU DATA TYPE:\n  %s;\nPER-CPU ADDRESSES:\n", tn);
		}
		for (unsigned c = 0; c < n; c++) {
			uint64_t off;
			if ((err = kd_percpu_offset(s, c, &off)))
				break;
			if (json)
				kd_json_hex(s, NULL, addr + off);
			else
				kd_printf(s, "  [%u]: %" PRIx64 "\n", c, addr + off);
		}
		if (json) {
			kd_json_end_array(s);
			kd_json_end_object(s);
		}
		goto out;
	}
	if (cpu >= 0) {
		if (!percpu) {
			err = kd_error_create(KD_ERR_USAGE, "'%s' is not a per-cpu variable", symname);
			goto out;
		}
		uint64_t off;
		if ((err = kd_percpu_offset(s, (unsigned)cpu, &off)))
			goto out;
		addr += off;
	}
	uint64_t bit = 0;
	uint32_t bit_size = 0, vid = id;
	if (member_path) {
		struct kd_member_info m;
		if ((err = kd_type_member_by_id(s, id, member_path, &m)))
			goto out;
		bit = m.bit_offset;
		bit_size = m.bit_size;
		vid = m.type;
	}
	struct kd_type_info in;
	kd_type_get(s, vid, &in);
	if (in.kind == KD_TYPE_FUNC) {
		// gdb's layout: {prototype} address <symbol>
		tn = kd_type_name(s, vid, NULL);
		if (json) {
			kd_json_begin_object(s, NULL);
			kd_json_string(s, "expression", argv[1]);
			kd_json_string(s, "type", tn);
			kd_json_hex(s, "address", addr);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "%s = {%s} ", argv[1], tn);
			print_pointer(s, addr);
			kd_printf(s, "\n");
		}
		goto out;
	}
	// Read just the bytes of the value (a bitfield: its storage bytes).
	uint64_t first = bit / 8;
	uint64_t size = bit_size ? (bit + bit_size + 7) / 8 - first : in.size;
	if ((err = read_object(s, addr + first, size, &obj)))
		goto out;
	if (inferred) {
		char *full = kd_type_name(s, id, NULL);
		kd_warn(s, "p: %s has no type in the kernel's BTF; inferred %s from kdive's table of well-known "
			   "variables (size checked against the symbol)", symname, full ? full : "?");
		free(full);
	}
	if (json) {
		kd_json_begin_object(s, NULL);
		kd_json_string(s, "expression", argv[1]);
		tn = kd_type_name(s, vid, NULL);
		kd_json_string(s, "type", tn);
		kd_json_hex(s, "address", addr + first);
		kd_json_bool(s, "type_inferred", inferred);
		print_value(s, "value", vid, obj, (size_t)size, bit - first * 8, bit_size, 0, 0);
		kd_json_end_object(s);
	} else {
		kd_printf(s, "%s = ", argv[1]);
		print_value(s, NULL, vid, obj, (size_t)size, bit - first * 8, bit_size, 0, 0);
		kd_printf(s, "\n");
	}
out:
	free(obj);
	free(tn);
	free(member_path);
	free(expr);
	return err;
}

/* ---- list ------------------------------------------------------------------------------ */

enum { LO_O, LO_H, LO_S, LO_JSON, LO_NOPT };
static const struct kd_option list_opts[] = {
	[LO_O] = { "o", KD_ARG_STRING, "OFFSET", "offset of the list_head in each entry: a number or struct.member" },
	[LO_H] = { "H", KD_ARG_NONE, NULL, "start is a list head, not an entry (it is not printed)" },
	[LO_S] = { "s", KD_ARG_TYPE, "STRUCT[.MEMBER,...]", "print each entry as this struct (or these members)" },
	[LO_JSON] = KD_OPTION_JSON,
	[LO_NOPT] = { NULL },
};

/* Visited nodes (open addressing on the address). */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

static bool seen_add(struct seen *h, uint64_t a)
{
	if ((h->n + 1) * 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return false;
		for (size_t i = 0; i < h->cap; i++) {
			if (!h->slot[i])
				continue;
			size_t k = (h->slot[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
			while (n[k])
				k = (k + 1) & (cap - 1);
			n[k] = h->slot[i];
		}
		free(h->slot);
		h->slot = n;
		h->cap = cap;
	}
	size_t k = (a * 0x9e3779b97f4a7c15ull >> 20) & (h->cap - 1);
	while (h->slot[k]) {
		if (h->slot[k] == a)
			return false;
		k = (k + 1) & (h->cap - 1);
	}
	h->slot[k] = a;
	h->n++;
	return true;
}

static struct kd_error *list_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs != 1)
		return kd_error_create(KD_ERR_USAGE, "expected the start address");
	uint64_t start, offset = 0;
	if ((err = kd_parse_address(s, argv[1], &start)))
		return err;
	if (v[LO_O].count) {
		const char *o = v[LO_O].arg;
		const char *dot = strchr(o, '.');
		if (dot) {
			char *type = strndup(o, (size_t)(dot - o));
			struct kd_member_info m;
			if (!type)
				return &kd_enomem;
			err = kd_type_member(s, type, dot + 1, &m);
			free(type);
			if (err)
				return err;
			offset = m.offset;
		} else if ((err = kd_parse_u64(o, false, &offset))) {
			return err;
		}
	}
	struct spec sp = { 0 };
	uint32_t sid = 0;
	if (v[LO_S].count) {
		if ((err = need_types(s)) || (err = spec_parse(v[LO_S].arg, &sp)) ||
		    (err = find_tagged(s, "struct", sp.type, &sid)))
			goto out_spec;
		for (int i = 0; i < sp.nmembers; i++) {
			struct kd_member_info m;
			if ((err = kd_type_member_by_id(s, sid, sp.members[i], &m)))
				goto out_spec;
		}
	}
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	struct seen seen = { 0 };
	// The node addresses: -H starts at head->next and stops at the head;
	// otherwise start is the first entry and the walk stops when it returns.
	uint64_t head = v[LO_H].count ? start : start + offset;
	uint64_t node = head;
	if (v[LO_H].count && (err = kd_read_kernel(s, head, &node, sizeof(node))))
		goto out;
	seen_add(&seen, head);
	for (size_t count = 0;; count++) {
		if (v[LO_H].count && node == head)
			break;
		if (!node) {
			if (count)
				break;
			err = kd_error_create(KD_ERR_FAULT, "list head at 0x%" PRIx64 " has a NULL next", head);
			break;
		}
		if (count >= LIST_MAX) {
			err = kd_error_create(KD_ERR_USAGE, "stopped after %d entries", LIST_MAX);
			break;
		}
		if (count && !seen_add(&seen, node)) {
			if (node == head)
				break;
			err = kd_error_create(KD_ERR_CORRUPT, "the list loops: node 0x%" PRIx64
					      " comes again after %zu entries", node, count);
			break;
		}
		uint64_t entry = node - offset;
		if (json && !sid) {
			kd_json_hex(s, NULL, entry);
		} else if (!json) {
			kd_printf(s, "%016" PRIx64 "\n", entry);
		}
		if (sid && (err = print_object(s, sid, &sp, entry)))
			break;
		if ((err = kd_read_kernel(s, node, &node, sizeof(node)))) {
			err = kd_error_prefix(err, "reading the next pointer of entry %zu (0x%" PRIx64 ")", count + 1, entry);
			break;
		}
		if ((err = kd_check_interrupt(s)))
			break;
	}
out:
	if (json)
		kd_json_end_array(s);
	free(seen.slot);
out_spec:
	spec_free(&sp);
	return err;
}

static const struct kd_command commands[6] = { {
	.name = "struct",
	.summary = "show a struct's definition or the struct at an address",
	.synopsis = "[-o] name[.member[,member...]] [address|symbol] [count]",
	.help = "Without an address, print the definition of a struct from the kernel's BTF\n"
		"(-o: with each member's offset in bytes) and its size.\n"
		"With an address or symbol, print the struct stored there: members as\n"
		"\"name = value\", nested structs in braces, char arrays as strings,\n"
		"pointers in hex followed by <symbol+offset> when they point into the kernel\n"
		"or a module, enums by name.  name.member,member prints only those members\n"
		"(paths such as se.vruntime go through nested and anonymous structs); count\n"
		"prints consecutive structs.\n\n"
		"EXAMPLES\n"
		"  kdive> struct -o list_head\n"
		"  struct list_head {\n"
		"        [0] struct list_head *next;\n"
		"        [8] struct list_head *prev;\n"
		"  }\n"
		"  SIZE: 16\n"
		"  kdive> struct task_struct.pid,comm init_task\n"
		"    pid = 0,\n"
		"    comm = \"swapper/0\",\n"
		"  kdive> struct -o task_struct.se.vruntime\n"
		"  kdive> struct uts_namespace init_uts_ns --json",
	.options = struct_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS,
	.run = struct_run,
}, {
	.name = "union",
	.summary = "show a union's definition or the union at an address",
	.synopsis = "[-o] name[.member[,member...]] [address|symbol] [count]",
	.help = "Like struct, for unions.\n\n"
		"EXAMPLES\n"
		"  kdive> union -o thread_union",
	.options = struct_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS,
	.run = union_run,
}, {
	.name = "whatis",
	.summary = "show the type of a symbol or the definition of a type",
	.synopsis = "name",
	.help = "For a variable or function, its declaration (BTF has per-cpu variables and\n"
		"functions; a few well-known globals such as init_task and jiffies have\n"
		"inferred types, said on stderr).  For a type name (struct, union, enum,\n"
		"typedef, base type), its definition.\n\n"
		"EXAMPLES\n"
		"  kdive> whatis init_task\n"
		"  struct task_struct init_task;\n"
		"  kdive> whatis pid_t\n"
		"  typedef __kernel_pid_t pid_t;\n"
		"  kdive> whatis pid_type",
	.options = json_opts,
	.operand = KD_ARG_TYPE,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS,
	.run = whatis_run,
}, {
	.name = "p",
	.summary = "print the value of a kernel variable",
	.synopsis = "symbol[.member...][:cpu]",
	.help = "Print a variable, or one of its members, with its type from BTF.  Global\n"
		"variables other than per-cpu ones have no type in BTF: for well-known ones\n"
		"(init_task, jiffies, init_mm, init_uts_ns...) the type is inferred and a\n"
		"warning says so.  A per-cpu variable prints its per-CPU addresses, or with\n"
		":cpu its value on that CPU.\n\n"
		"EXAMPLES\n"
		"  kdive> p jiffies\n"
		"  jiffies = 4294892296\n"
		"  kdive> p init_task.comm\n"
		"  init_task.comm = \"swapper/0\"\n"
		"  kdive> p init_uts_ns.name.release\n"
		"  kdive> p runqueues\n"
		"  kdive> p init_task.pid --json",
	.options = json_opts,
	.operand = KD_ARG_SYMBOL,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_TYPES | KD_CMD_USES_SYMBOLS,
	.run = p_run,
}, {
	.name = "list",
	.summary = "walk a linked list",
	.synopsis = "[-o offset|struct.member] [-H] [-s struct[.member,...]] start",
	.help = "Follow the next pointers of a list (struct list_head, or any struct whose\n"
		"next pointer is at -o's offset) and print each entry's address: the node\n"
		"address minus the offset.  With -H, start is the list's head, which is not\n"
		"printed.  -s prints each entry as that struct, or only the given members.\n"
		"The walk stops at the start, at a NULL pointer, after 1000000 entries, or\n"
		"with an error when a node comes back (a corrupted, looping list).\n\n"
		"EXAMPLES\n"
		"  kdive> list -H modules -o module.list -s module.name\n"
		"  kdive> list -o task_struct.tasks -s task_struct.pid,comm init_task",
	.options = list_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS | KD_CMD_USES_TYPES,
	.run = list_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "struct",
	.version = "1",
	.commands = commands,
};
